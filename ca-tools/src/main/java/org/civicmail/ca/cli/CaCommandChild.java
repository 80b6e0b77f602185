package org.civicmail.ca.cli;

import picocli.CommandLine.ParentCommand;

/** A command directly under {@code ca}: its environment is the one {@link CaCommand} was given. */
abstract class CaCommandChild extends CaSubcommand {
    @ParentCommand
    CaCommand parent;

    @Override
    CaEnvironment env() {
        return parent.environment();
    }
}

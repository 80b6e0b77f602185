package org.civicmail.cli.account;

import org.civicmail.cli.CliContext;
import org.civicmail.cli.ServerCommand;

import picocli.CommandLine.Parameters;

/** An {@code account} command about one mailbox, named by its address. */
abstract class OneAccountCommand extends ServerCommand {
    @Parameters(paramLabel = "ADDR")
    String address;

    OneAccountCommand(CliContext context) {
        super(context);
    }
}

package org.civicmail.ca.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code ca audit}: the tamper-evident audit log. */
@Command(name = "audit", mixinStandardHelpOptions = true, description = "Audit log commands.",
        subcommands = {AuditVerifyCommand.class, AuditExportCommand.class})
final class AuditCommand implements Runnable {
    @ParentCommand
    CaCommand parent;

    @Spec
    CommandSpec spec;

    CaEnvironment environment() {
        return parent.environment();
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing command: use `ca audit verify` or `ca audit export --out FILE`");
    }
}

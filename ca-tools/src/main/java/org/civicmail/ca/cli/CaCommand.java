package org.civicmail.ca.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ca}: the certificate authority's commands. The host adds an instance built with its
 * {@link CaEnvironment} as a subcommand: {@code commandLine.addSubcommand("ca", new CaCommand(env))}.
 * Exit codes: 0 ok, 1 failure, 2 bad input.
 */
@Command(name = "ca", mixinStandardHelpOptions = true,
        description = "Certificate authority: issue, revoke, CRL, OCSP, audit.",
        subcommands = {InitCommand.class, IssueCommand.class, RevokeCommand.class, ListCommand.class, ShowCommand.class,
                CrlCommand.class, ExportCommand.class, RenewAllCommand.class, AuditCommand.class})
public final class CaCommand implements Runnable {
    private final CaEnvironment environment;

    @Spec
    CommandSpec spec;

    public CaCommand(CaEnvironment environment) {
        this.environment = environment;
    }

    public CaEnvironment environment() {
        return environment;
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing command: use one of "
                + String.join(", ", spec.subcommands().keySet()));
    }
}

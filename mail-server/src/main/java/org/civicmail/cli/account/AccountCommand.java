package org.civicmail.cli.account;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code ./civicmail account ...}: the city's mailboxes and their identity. */
@Command(name = "account", mixinStandardHelpOptions = true, description = "Create, import, list, show, disable and enable mailboxes.",
    subcommands = {AccountAddCommand.class, AccountImportCommand.class, AccountListCommand.class,
        AccountShowCommand.class, AccountDisableCommand.class, AccountEnableCommand.class,
        AccountCertificateCommand.class, AccountSetCommand.class})
public class AccountCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}

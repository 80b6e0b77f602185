package org.civicmail.cli.broadcast;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code ./civicmail broadcast ...}: agencies' signed notices, bills and statements to many mailboxes. */
@Command(name = "broadcast", mixinStandardHelpOptions = true,
    description = "Send signed notices, bills and statements to citizens' mailboxes, exactly once; follow and report on them.",
    subcommands = {BroadcastSendCommand.class, BroadcastStatusCommand.class, BroadcastReportCommand.class, BroadcastListCommand.class,
        BroadcastResumeCommand.class})
public class BroadcastCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}

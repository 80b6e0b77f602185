package org.civicmail.cli.broadcast;

import org.civicmail.broadcast.BroadcastService;
import org.civicmail.cli.CliContext;
import org.civicmail.cli.ExitCodes;

import picocli.CommandLine.Command;

/** {@code broadcast resume ID}: continues a broadcast that stopped because the mailbox database kept failing. */
@Command(name = "resume", mixinStandardHelpOptions = true,
    description = "Continue a broadcast stopped by database failures (its pending recipients are sent, each exactly once).")
public class BroadcastResumeCommand extends OneBroadcastCommand {
    BroadcastResumeCommand(CliContext context) {
        super(context);
    }

    @Override
    int run(BroadcastService service) throws Exception {
        service.resume(id);
        context.out().println("broadcast " + id + " resumed; `broadcast status " + id + "` shows its progress");
        return ExitCodes.OK;
    }
}

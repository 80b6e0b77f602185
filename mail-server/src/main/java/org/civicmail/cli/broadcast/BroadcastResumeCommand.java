package org.civicmail.cli.broadcast;

import java.util.concurrent.Callable;

import org.civicmail.broadcast.BroadcastRefusedException;
import org.civicmail.broadcast.BroadcastService;
import org.civicmail.cli.CliContext;
import org.civicmail.cli.ExitCodes;
import org.civicmail.cli.ServerLocation;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code broadcast resume ID}: continues a broadcast that stopped because the mailbox database kept failing. */
@Command(name = "resume", mixinStandardHelpOptions = true,
    description = "Continue a broadcast stopped by database failures (its pending recipients are sent, each exactly once).")
public class BroadcastResumeCommand implements Callable<Integer> {
    private final CliContext context;

    @Mixin
    ServerLocation location;

    @Parameters(paramLabel = "ID")
    String id;

    BroadcastResumeCommand(CliContext context) {
        this.context = context;
        this.location = new ServerLocation(context);
    }

    @Override
    public Integer call() throws Exception {
        BroadcastService service = context.service(BroadcastService.class);
        try {
            service.resume(id);
        } catch (BroadcastRefusedException e) {
            return Refusals.report(context.err(), e);
        }
        context.out().println("broadcast " + id + " resumed; `broadcast status " + id + "` shows its progress");
        return ExitCodes.OK;
    }
}

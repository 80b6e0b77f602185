package org.civicmail.cli.broadcast;

import org.civicmail.broadcast.BroadcastRefusedException;
import org.civicmail.broadcast.BroadcastService;
import org.civicmail.cli.CliContext;
import org.civicmail.cli.ServerCommand;

import picocli.CommandLine.Parameters;

/**
 * A {@code broadcast} command about one broadcast, named by its ID. A refusal (no such broadcast, or not in a state
 * that allows the command) is printed with its problems, exit code 2.
 */
abstract class OneBroadcastCommand extends ServerCommand {
    @Parameters(paramLabel = "ID")
    String id;

    OneBroadcastCommand(CliContext context) {
        super(context);
    }

    @Override
    public final Integer call() throws Exception {
        BroadcastService service = context.service(BroadcastService.class);
        try {
            return run(service);
        } catch (BroadcastRefusedException e) {
            return Refusals.report(context.err(), e);
        }
    }

    /** @return the exit code */
    abstract int run(BroadcastService service) throws Exception;
}

package org.civicmail.cli.broadcast;

import java.util.Optional;

import org.civicmail.broadcast.BroadcastService;
import org.civicmail.broadcast.store.BroadcastJob;
import org.civicmail.broadcast.store.Counts;
import org.civicmail.cli.CliContext;
import org.civicmail.cli.ServerCommand;
import org.civicmail.cli.ExitCodes;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code broadcast list}: newest first, one line each. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List broadcasts, newest first.")
public class BroadcastListCommand extends ServerCommand {
    @Option(names = "--from", paramLabel = "AGENCY", description = "Only this agency's broadcasts.")
    String from;

    @Option(names = "--limit", defaultValue = "50")
    int limit;

    BroadcastListCommand(CliContext context) {
        super(context);
    }

    @Override
    public Integer call() throws Exception {
        BroadcastService service = context.service(BroadcastService.class);
        var jobs = service.list(Optional.ofNullable(from).map(String::toLowerCase), Math.max(1, Math.min(limit, 10_000)));
        for (BroadcastJob job : jobs) {
            Counts c = service.requireStatus(job.id()).counts();
            context.out().printf("%s  %-8s  %-26s  %-40s  %d/%d delivered, %d failed  %s%n", job.id(), job.state(), job.kind(),
                job.agency(), c.delivered(), c.total(), c.failed(), job.subject());
        }
        context.out().println(jobs.size() + " broadcast(s)");
        return ExitCodes.OK;
    }
}

package org.civicmail.cli.broadcast;

import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.civicmail.broadcast.BroadcastRefusedException;
import org.civicmail.broadcast.BroadcastService;
import org.civicmail.cli.CliContext;
import org.civicmail.cli.ExitCodes;
import org.civicmail.cli.ServerLocation;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code broadcast report ID --csv}: one line per recipient with status, delivery time and failure reason. */
@Command(name = "report", mixinStandardHelpOptions = true, description = "Per-recipient outcome of a broadcast as CSV.")
public class BroadcastReportCommand implements Callable<Integer> {
    private final CliContext context;

    @Mixin
    ServerLocation location;

    @Parameters(paramLabel = "ID")
    String id;

    @Option(names = "--csv", description = "CSV output (the only format; kept for scripts that name it).")
    boolean csv;

    @Option(names = "--out", paramLabel = "FILE", description = "Write to FILE instead of standard output.")
    Path outFile;

    BroadcastReportCommand(CliContext context) {
        this.context = context;
        this.location = new ServerLocation(context);
    }

    @Override
    public Integer call() throws Exception {
        BroadcastService service = context.service(BroadcastService.class);
        try {
            if (outFile != null) {
                Path target = context.resolve(outFile);
                try (Writer w = Files.newBufferedWriter(target, StandardCharsets.UTF_8)) {
                    service.writeReport(id, w);
                }
                context.out().println("wrote " + target);
            } else {
                service.writeReport(id, context.out());
                context.out().flush();
            }
        } catch (BroadcastRefusedException e) {
            return Refusals.report(context.err(), e);
        }
        return ExitCodes.OK;
    }
}

package org.civicmail.cli.broadcast;

import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.civicmail.broadcast.BroadcastService;
import org.civicmail.cli.CliContext;
import org.civicmail.cli.ExitCodes;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code broadcast report ID --csv}: one line per recipient with status, delivery time and failure reason. */
@Command(name = "report", mixinStandardHelpOptions = true, description = "Per-recipient outcome of a broadcast as CSV.")
public class BroadcastReportCommand extends OneBroadcastCommand {
    @Option(names = "--csv", description = "CSV output (the only format; kept for scripts that name it).")
    boolean csv;

    @Option(names = "--out", paramLabel = "FILE", description = "Write to FILE instead of standard output.")
    Path outFile;

    BroadcastReportCommand(CliContext context) {
        super(context);
    }

    @Override
    int run(BroadcastService service) throws Exception {
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
        return ExitCodes.OK;
    }
}

package org.civicmail.cli.broadcast;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.civicmail.broadcast.BroadcastKind;
import org.civicmail.broadcast.BroadcastRefusedException;
import org.civicmail.broadcast.BroadcastService;
import org.civicmail.broadcast.BroadcastStatus;
import org.civicmail.broadcast.input.BroadcastPlan;
import org.civicmail.broadcast.input.BroadcastRequest;
import org.civicmail.broadcast.input.DataSource;
import org.civicmail.cli.BadInputException;
import org.civicmail.cli.CliContext;
import org.civicmail.cli.ExitCodes;
import org.civicmail.cli.ProgressBar;
import org.civicmail.cli.ServerLocation;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code broadcast send}: validates the whole broadcast (nothing is sent if any row is bad), stores it, and sends it
 * with a progress bar. Interrupting the command does not stop the broadcast on a running server; a server that
 * dies resumes it when it starts again.
 */
@Command(name = "send", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Validate and send a broadcast (all recipients or none are accepted).")
public class BroadcastSendCommand implements Callable<Integer> {
    private final CliContext context;

    // Not the ServerLocation mixin: its --data (data directory) would clash with --data FILE.csv.
    @Option(names = "--data-dir", paramLabel = "DIR", description = "Data directory (default: $CIVICMAIL_DATA or ./data).")
    void dataDir(Path dir) {
        if (context instanceof ServerLocation.LocationAware aware) {
            aware.locate(dir, null);
        }
    }

    @Option(names = "--conf", paramLabel = "DIR", description = "Configuration directory (default: ./conf).")
    void confDir(Path dir) {
        if (context instanceof ServerLocation.LocationAware aware) {
            aware.locate(null, dir);
        }
    }

    @Option(names = "--from", required = true, paramLabel = "AGENCY", description = "Sending agency's address (needs may-broadcast).")
    String from;

    @Option(names = "--kind", required = true, paramLabel = "KIND",
        description = "policy-notice, utility-bill, social-insurance-statement or bank-statement.")
    String kind;

    @Option(names = "--template", required = true, paramLabel = "FILE",
        description = "UTF-8 text: 'Subject: ...', a blank line, then the body, with {{column}} placeholders.")
    Path template;

    @Option(names = "--html", paramLabel = "FILE", description = "Optional HTML part with the same placeholders.")
    Path html;

    @Option(names = "--data", paramLabel = "FILE.csv",
        description = "Personalised kinds: one row per recipient; the 'address' column names them, an optional 'attachment' column a PDF.")
    Path data;

    @Option(names = "--encoding", paramLabel = "CHARSET", description = "Encoding of --data: UTF-8 or GBK/GB18030 (default: detected).")
    String encoding;

    @Option(names = "--to", paramLabel = "AUDIENCE",
        description = "Notices: all-citizens, all-legal-entities, tag:西湖区[,tag:...], or addresses / resident ID numbers, comma separated.")
    String to;

    @Option(names = "--dry-run", description = "Validate and show one rendered sample; send nothing.")
    boolean dryRun;

    @Option(names = "--no-wait", description = "Return once the broadcast is stored and started; follow it with `broadcast status`.")
    boolean noWait;

    BroadcastSendCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws Exception {
        BroadcastService service = context.service(BroadcastService.class);
        BroadcastPlan plan;
        try {
            Path dataPath = data == null ? null : context.resolve(data);
            BroadcastRequest request = new BroadcastRequest(from, BroadcastKind.parse(kind), template.getFileName().toString(),
                read(template), html == null ? null : html.getFileName().toString(), html == null ? null : read(html),
                data == null ? null : data.getFileName().toString(), data == null ? null : readable(data),
                Optional.ofNullable(encoding), Optional.ofNullable(to),
                Optional.ofNullable(dataPath).map(p -> p.getParent() == null ? context.cwd() : p.getParent()), "cli");
            plan = service.plan(request);
        } catch (BroadcastRefusedException e) {
            return Refusals.report(context.err(), e);
        }
        if (dryRun) {
            context.out().println("dry run: " + plan.kind() + " from " + plan.agency().address() + " to " + plan.recipients().count()
                + " recipient(s), all rows valid" + (plan.dataCharset() == null ? "" : " (data read as " + plan.dataCharset() + ")")
                + "; nothing was sent. Sample:");
            context.out().println("----");
            context.out().println(service.preview(plan));
            context.out().println("----");
            return ExitCodes.OK;
        }
        String id = service.submit(plan);
        int total = service.requireStatus(id).job().total();
        context.out().println("broadcast " + id + ": " + plan.kind() + " to " + total + " recipient(s), folder "
            + plan.kind().folder());
        context.out().flush();
        if (noWait) {
            return ExitCodes.OK;
        }
        Future<?> job = service.running(id).orElseThrow();
        ProgressBar bar = new ProgressBar(context.err(), "sending", total);
        long shown = 0;
        while (true) {
            try {
                job.get(250, TimeUnit.MILLISECONDS);
                break;
            } catch (TimeoutException e) {
                long done = service.progress(id);
                bar.step(done - shown);
                shown = done;
            } catch (ExecutionException e) {
                bar.finish();
                throw new IllegalStateException("broadcast " + id + " stopped: " + e.getCause().getMessage()
                    + "; it resumes when the server starts again (see `broadcast status " + id + "`)", e.getCause());
            }
        }
        bar.step(service.progress(id) - shown);
        bar.finish();
        BroadcastStatus status = service.requireStatus(id);
        context.out().printf("broadcast %s %s: %d delivered, %d failed%s%n", id, status.state(), status.counts().delivered(),
            status.counts().failed(), status.counts().failed() > 0 ? " (see `broadcast report " + id + " --csv`)" : "");
        if (status.job().stopReason().isPresent()) {
            context.err().println("broadcast " + id + " was stopped: " + status.job().stopReason().get());
            return ExitCodes.FAILURE;
        }
        return ExitCodes.OK;
    }

    /** The data file stays on disk: it is read as it is validated and again as it is stored (a million rows are never in memory). */
    private DataSource readable(Path file) {
        Path path = context.resolve(file);
        if (!Files.isRegularFile(path)) {
            throw new BadInputException("file " + path + " does not exist");
        }
        if (!Files.isReadable(path)) {
            throw new BadInputException("cannot read " + path + ": permission denied");
        }
        return DataSource.of(path);
    }

    private byte[] read(Path file) {
        Path path = context.resolve(file);
        try {
            return Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new BadInputException("file " + path + " does not exist");
        } catch (IOException e) {
            throw new BadInputException("cannot read " + path + ": " + e.getMessage());
        }
    }
}

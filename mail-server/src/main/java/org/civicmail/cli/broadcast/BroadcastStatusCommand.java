package org.civicmail.cli.broadcast;

import java.nio.file.Files;
import java.nio.file.Path;

import org.civicmail.broadcast.BroadcastService;
import org.civicmail.broadcast.BroadcastStatus;
import org.civicmail.cli.BadInputException;
import org.civicmail.cli.CliContext;
import org.civicmail.cli.ExitCodes;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code broadcast status ID [--evidence FILE]}: counts, hashes, and the signed summary of a finished broadcast. */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Show a broadcast's progress; write its signed summary.")
public class BroadcastStatusCommand extends OneBroadcastCommand {
    @Option(names = "--evidence", paramLabel = "FILE",
        description = "Write the signed summary (CMS, DER): check it with `openssl cms -verify -inform DER -in FILE -CAfile root.pem`.")
    Path evidence;

    BroadcastStatusCommand(CliContext context) {
        super(context);
    }

    @Override
    int run(BroadcastService service) throws Exception {
        BroadcastStatus status = service.requireStatus(id);
        var job = status.job();
        var c = status.counts();
        var out = context.out();
        out.println("broadcast:   " + job.id());
        out.println("state:       " + status.state());
        out.println("agency:      " + job.agency());
        out.println("kind:        " + job.kind() + " (folder " + job.kind().folder() + ")");
        out.println("audience:    " + job.audience());
        out.println("subject:     " + job.subject());
        out.println("created:     " + job.createdAt() + (job.finishedAt().map(f -> (job.stopReason().isPresent() ? ", stopped " : ", finished ") + f)
            .orElse("")));
        job.stopReason().ifPresent(reason -> out.println("stopped:     " + reason));
        out.printf("recipients:  %d (delivered %d, failed %d, pending %d)%n", c.total(), c.delivered(), c.failed(), c.pending() + c.sending());
        out.println("template:    sha256 " + job.templateSha256());
        out.println("data:        sha256 " + job.dataSha256() + (job.dataCharset() == null ? "" : " (" + job.dataCharset() + ")"));
        out.println("evidence:    " + (status.hasEvidence() ? "signed summary stored"
            : job.stopReason().isPresent() ? "none (the broadcast was stopped)" : "written when the broadcast finishes"));
        if (evidence != null) {
            byte[] der = service.evidence(id).orElseThrow(() -> new BadInputException("broadcast " + id
                + " has no signed summary yet: it is written when the broadcast finishes"));
            Path target = context.resolve(evidence);
            Files.write(target, der);
            out.println("wrote the signed summary to " + target);
        }
        return ExitCodes.OK;
    }
}

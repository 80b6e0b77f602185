package org.civicmail.ca.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.civicmail.ca.audit.AuditCheckpoint;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code ca audit export}: writes a sealed checkpoint of the log's head, to keep off this machine. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Write a sealed checkpoint of the audit log's head (keep it off this machine; "
                + "`ca audit verify --checkpoint FILE` later proves the log was not rewritten or rolled back).")
final class AuditExportCommand extends CaSubcommand {
    @ParentCommand
    AuditCommand parent;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Checkpoint file to create.")
    Path out;

    @Override
    CaEnvironment env() {
        return parent.environment();
    }

    @Override
    int execute(CaEnvironment env) throws IOException {
        Path file = resolve(env, out);
        if (Files.exists(file)) {
            throw bad("--out " + file + " already exists; choose a new file name (checkpoints are kept, not overwritten)");
        }
        AuditCheckpoint c = ca(env).auditCheckpoint();
        Files.writeString(file, c.toText(), StandardCharsets.US_ASCII);
        env.out().println("audit checkpoint of entry " + c.sequence() + " written to " + file
                + "; keep a copy off this machine");
        return 0;
    }
}

package org.civicmail.ca.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.civicmail.ca.audit.AuditCheckpoint;
import org.civicmail.ca.audit.AuditVerification;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code ca audit verify}: re-checks the hash chain and the seals (and an exported checkpoint);
 * exit 1 and one line per problem if the log was tampered with.
 */
@Command(name = "verify", mixinStandardHelpOptions = true, description = "Verify the audit log's hash chain and seals.")
final class AuditVerifyCommand extends CaSubcommand {
    @ParentCommand
    AuditCommand parent;

    @Option(names = "--checkpoint", paramLabel = "FILE", description = "A checkpoint written by `ca audit export`;"
            + " the log must still hold its entry unchanged.")
    Path checkpoint;

    @Override
    CaEnvironment env() {
        return parent.environment();
    }

    @Override
    int execute(CaEnvironment env) throws IOException {
        AuditVerification v;
        if (checkpoint == null) {
            v = ca(env).verifyAuditLog();
        } else {
            Path file = resolve(env, checkpoint);
            String text;
            try {
                text = Files.readString(file, StandardCharsets.US_ASCII);
            } catch (NoSuchFileException e) {
                throw bad("--checkpoint " + file + " does not exist; give a file written by `ca audit export`");
            }
            v = ca(env).verifyAuditLog(AuditCheckpoint.parse(text, "--checkpoint " + file));
        }
        if (v.intact()) {
            env.out().println("audit log " + v.file() + ": " + v.entries() + " entries, hash chain and seals intact"
                    + (checkpoint == null ? "" : ", checkpoint entry present and unchanged"));
            return 0;
        }
        env.err().println("audit log " + v.file() + " has been tampered with:");
        for (String p : v.problems()) {
            env.err().println("  " + p);
        }
        return 1;
    }
}

package org.civicmail.testkit;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The second independent judge: NSS (the library Thunderbird verifies S/MIME with), through {@code certutil} and
 * {@code cmsutil} from Debian's libnss3-tools.
 */
public final class Nss {
    public record Result(int exitCode, String output) {
        /** cmsutil reports one status per signer; GoodSignature means digest, signature and certificate path all held. */
        public boolean goodSignature() {
            return exitCode == 0 && output.contains("status=GoodSignature") && !output.matches("(?s).*status=(?!GoodSignature).*");
        }
    }

    private Nss() {
    }

    /** A fresh NSS database in {@code dir} that trusts {@code rootPem} for e-mail. */
    public static Path trustStore(Path dir, Path rootPem) throws Exception {
        Files.createDirectories(dir);
        Result created = run("certutil", "-N", "-d", "sql:" + dir, "--empty-password");
        if (created.exitCode() != 0) {
            throw new IllegalStateException("certutil -N failed: " + created.output());
        }
        Result added = run("certutil", "-A", "-d", "sql:" + dir, "-n", "test-root", "-t", "C,C,C", "-i", rootPem.toString());
        if (added.exitCode() != 0) {
            throw new IllegalStateException("certutil -A failed: " + added.output());
        }
        return dir;
    }

    /** Verifies a detached CMS signature (DER) over {@code content} as an e-mail signer certificate. */
    public static Result verifyDetached(Path db, Path content, Path signature) throws Exception {
        return run("cmsutil", "-D", "-d", "sql:" + db, "-i", signature.toString(), "-c", content.toString(), "-n", "-h", "1",
            "-u", "4");
    }

    private static Result run(String... command) throws Exception {
        Process p = new ProcessBuilder(new ArrayList<>(List.of(command))).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " did not finish");
        }
        return new Result(p.exitValue(), out);
    }
}

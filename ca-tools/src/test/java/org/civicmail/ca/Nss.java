package org.civicmail.ca;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** NSS's tools ({@code certutil}, {@code vfychain}; Debian libnss3-tools), a second independent judge, on one database. */
public final class Nss {
    public record Result(int exit, String output) {
    }

    private final Path db;

    /** Creates an empty NSS database in {@code dir}. */
    public Nss(Path dir) throws IOException {
        Files.createDirectories(dir);
        this.db = dir;
        ok(run("certutil", "-N", "-d", "sql:" + db, "--empty-password"));
    }

    /** Adds a certificate (PEM file) with trust flags, e.g. {@code C,C,C} for a root, {@code ,,} for others. */
    public void add(String nickname, Path pem, String trust) {
        ok(run("certutil", "-A", "-d", "sql:" + db, "-n", nickname, "-t", trust, "-i", pem.toString()));
    }

    /** {@code certutil -V -u <usage>}: S = e-mail signer, V = SSL server. */
    public Result verify(String nickname, String usage) {
        return run("certutil", "-V", "-d", "sql:" + db, "-n", nickname, "-u", usage);
    }

    /** {@code vfychain -pp} (libpkix) with the given extra arguments before the PEM files (leaf first). */
    public Result vfychain(List<String> options, Path... pems) {
        List<String> args = new ArrayList<>(List.of("vfychain", "-d", "sql:" + db, "-pp"));
        args.addAll(options);
        for (Path p : pems) {
            args.add("-a");
            args.add(p.toString());
        }
        return run(args.toArray(String[]::new));
    }

    public String database() {
        return "sql:" + db;
    }

    private static void ok(Result r) {
        if (r.exit() != 0) {
            throw new IllegalStateException("NSS tool failed: " + r.output());
        }
    }

    public static Result run(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(cmd[0] + " did not finish: " + List.of(cmd));
            }
            return new Result(p.exitValue(), out);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + cmd[0] + " (Debian package libnss3-tools): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

package org.civicmail.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import org.civicmail.server.CivicMailServer;

/**
 * Runs a CLI command inside an in-process server exactly as the admin API runs one sent by {@code ./civicmail}
 * (same {@link ServerContext}, same picocli tree), without the HTTP hop: for tests that start the server in-process.
 */
public final class InProcessCli {
    private InProcessCli() {
    }

    public record Result(int exitCode, String out, String err) {
    }

    public static Result run(CivicMailServer server, Path cwd, String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        byte[] in = stdin == null ? new byte[0] : (stdin + "\n").getBytes(StandardCharsets.UTF_8);
        ServerContext context = new ServerContext(server, out, err, new ByteArrayInputStream(in), cwd, Map.of());
        int code = CivicMailCli.commandLine(context).execute(args);
        context.flush();
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}

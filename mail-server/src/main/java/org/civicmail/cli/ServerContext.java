package org.civicmail.cli;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import org.civicmail.server.CivicMailServer;

/** The context of a command sent to the running server over the admin API. */
final class ServerContext implements CliContext {
    private final CivicMailServer server;
    private final PrintWriter out;
    private final PrintWriter err;
    private final InputStream in;
    private final Path cwd;

    private final PrintStream outStream;
    private final PrintStream errStream;

    private final Map<String, String> env;

    ServerContext(CivicMailServer server, OutputStream out, OutputStream err, InputStream in, Path cwd, Map<String, String> env) {
        this.server = server;
        this.env = Map.copyOf(env);
        this.outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
        this.errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
        this.out = new PrintWriter(new OutputStreamWriter(outStream, StandardCharsets.UTF_8), true);
        this.err = new PrintWriter(new OutputStreamWriter(errStream, StandardCharsets.UTF_8), true);
        this.in = in;
        this.cwd = cwd;
    }

    @Override
    public PrintWriter out() {
        return out;
    }

    @Override
    public PrintWriter err() {
        return err;
    }

    @Override
    public PrintStream outStream() {
        out.flush();
        return outStream;
    }

    @Override
    public PrintStream errStream() {
        err.flush();
        return errStream;
    }

    /** Flushes both streams; the admin API calls it before it sends the exit code. */
    void flush() {
        out.flush();
        err.flush();
    }

    @Override
    public InputStream in() {
        return in;
    }

    @Override
    public String getenv(String name) {
        return env.get(name);
    }

    @Override
    public Path cwd() {
        return cwd;
    }

    @Override
    public <T> T service(Class<T> type) {
        return server.service(type);
    }
}

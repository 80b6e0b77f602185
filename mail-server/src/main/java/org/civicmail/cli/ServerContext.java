package org.civicmail.cli;

import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;

import org.civicmail.server.CivicMailServer;

/** The context of a command sent to the running server over the admin API. */
final class ServerContext implements CliContext {
    private final CivicMailServer server;
    private final PrintWriter out;
    private final PrintWriter err;
    private final InputStream in;
    private final Path cwd;

    ServerContext(CivicMailServer server, PrintWriter out, PrintWriter err, InputStream in, Path cwd) {
        this.server = server;
        this.out = out;
        this.err = err;
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
    public InputStream in() {
        return in;
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

package org.civicmail.cli;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import org.civicmail.server.CivicMailServer;

/** The context of a command sent to the running server over the admin API. */
final class ServerContext extends StreamContext {
    private final CivicMailServer server;
    private final Path cwd;
    private final Map<String, String> env;

    ServerContext(CivicMailServer server, OutputStream out, OutputStream err, InputStream in, Path cwd, Map<String, String> env) {
        super(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), in);
        this.server = server;
        this.cwd = cwd;
        this.env = Map.copyOf(env);
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

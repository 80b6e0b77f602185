package org.civicmail.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;

import org.civicmail.server.ServerStartException;

/**
 * What a command needs from its surroundings. Commands never open storage themselves: the same command runs in
 * the CLI process (server stopped) or inside the running server (sent over the admin API), and only the context
 * differs.
 */
public interface CliContext {
    PrintWriter out();

    PrintWriter err();

    /** The same output as {@link #out()}, for APIs that take a stream (the CA commands). */
    PrintStream outStream();

    PrintStream errStream();

    InputStream in();

    /** The directory relative paths in arguments are relative to: the caller's, also when run by the server. */
    Path cwd();

    default Path resolve(Path path) {
        return cwd().resolve(path).normalize();
    }

    /**
     * The configuration directory when the command runs in the CLI's own process; empty inside a running server
     * (commands that start their own throw-away server, e.g. {@code bench-smime}, need it).
     */
    default Optional<Path> localConfDir() {
        return Optional.empty();
    }

    /** An environment variable of the person's shell (forwarded to the server for the few commands that read one). */
    default String getenv(String name) {
        return System.getenv(name);
    }

    /** A service of the running (or, offline, a listener-less) server, e.g. {@code AccountService}. */
    <T> T service(Class<T> type) throws ServerStartException;
}

package org.civicmail.testkit;

import java.nio.file.Path;

import org.civicmail.testkit.ForkedServer.CliResult;

/** A CivicMail under test, in this JVM ({@link CivicMailExtension}) or its own ({@link ForkedServer}). */
public interface RunningServer {
    /** The port of a listener by its name: smtp, submission, imap, imaps, ca-http, broadcast-api, admin. */
    int port(String listener);

    /** {@code civicmail ARGS} with {@code stdin} (may be null), sent to the running server as the CLI sends it. */
    CliResult cli(String stdin, String... args) throws Exception;

    Path data();
}

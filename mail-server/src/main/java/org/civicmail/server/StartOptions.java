package org.civicmail.server;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import org.civicmail.admin.AdminServer;

/**
 * How to start: {@code withListeners} false starts storage and services only (no sockets), for administrative
 * commands run while no server is up; {@code demo} allows a generated CA passphrase (see CaPassphrase);
 * {@code adminCommands} starts the admin API running CLI commands in the server; {@code webmailHome} starts the
 * webmail child built there (when {@code civicmail.webmail.enabled}); {@code environment}: the environment variables
 * the start reads (the CA passphrase, see CaPassphrase), this process's unless given.
 */
public record StartOptions(boolean withListeners, boolean demo,
                           Optional<Function<CivicMailServer, AdminServer.CommandRunner>> adminCommands,
                           Optional<Path> webmailHome, Map<String, String> environment) {
    public static final StartOptions SERVER = new StartOptions(true, false);
    public static final StartOptions OFFLINE = new StartOptions(false, false);

    public StartOptions(boolean withListeners, boolean demo) {
        this(withListeners, demo, Optional.empty(), Optional.empty(), System.getenv());
    }

    /** Also the admin API, whose commands {@code commands} runs inside the started server. */
    public StartOptions withAdminApi(Function<CivicMailServer, AdminServer.CommandRunner> commands) {
        return new StartOptions(withListeners, demo, Optional.of(commands), webmailHome, environment);
    }

    /** Also the webmail child process, built under {@code home/webmail}. */
    public StartOptions withWebmail(Path home) {
        return new StartOptions(withListeners, demo, adminCommands, Optional.of(home), environment);
    }

    /**
     * The start reads these variables instead of this process's: a server in a test's JVM is configured as an
     * operator's shell would configure a {@code civicmail start} (e.g. {@code CIVICMAIL_CA_PASSPHRASE}).
     */
    public StartOptions withEnvironment(Map<String, String> variables) {
        return new StartOptions(withListeners, demo, adminCommands, webmailHome, Map.copyOf(variables));
    }
}

package org.civicmail.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;
import org.civicmail.admin.AdminClient;
import org.civicmail.admin.RunFile;
import org.civicmail.cli.AdminCommands;
import org.civicmail.server.CivicMailServer;
import org.civicmail.server.DataDirectory;
import org.civicmail.server.ListenerAddress;
import org.civicmail.server.StartOptions;
import org.civicmail.config.CivicMailConfig;
import org.civicmail.testkit.ForkedServer.CliResult;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The whole CivicMail server in the test's JVM, in the manner of GreenMail's {@code GreenMailExtension}: started once
 * per test class on free ports (port 0) in a temporary data directory, stopped and deleted after it. Tests reach it
 * the way users do: {@link #listener} by name ({@code "imaps"}, {@code "submission"}, ...), the CLI through the real
 * admin API ({@link #cli}). Ready means the admin API answers a command. Use {@link ForkedServer} only for tests
 * about the process itself (SIGTERM, kill -9, the launcher).
 * <pre>{@code
 * @RegisterExtension
 * static final CivicMailExtension civicmail = new CivicMailExtension().withConfiguration("civicmail.x", "y");
 * }</pre>
 */
public final class CivicMailExtension implements BeforeAllCallback, AfterAllCallback, RunningServer {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final Map<String, String> overrides = new HashMap<>();
    private Path dir;
    private DataDirectory data;
    private CivicMailServer server;
    private AdminClient admin;

    /** A configuration key for this server, as {@code -Dkey=value} on {@code civicmail start}. */
    public CivicMailExtension withConfiguration(String key, String value) {
        overrides.put(key, value);
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        dir = Files.createTempDirectory("civicmail-" + context.getRequiredTestClass().getSimpleName() + "-");
        data = new DataDirectory(dir.resolve("data"));
        Map<String, String> settings = new HashMap<>();
        // The webmail is a separate module built after this one; its own tests start it.
        settings.put("civicmail.webmail.enabled", "false");
        for (String key : List.of("smtp", "submission", "imap", "imaps", "webadmin", "admin", "ca", "broadcast", "webmail")) {
            settings.put("civicmail." + key + ".port", "0");
        }
        settings.putAll(overrides);
        CivicMailConfig config = CivicMailConfig.load(ForkedServer.CONF, settings);
        // demo: a generated CA passphrase (tests have no operator to type one); no demo accounts are made.
        server = CivicMailServer.start(config, data, new StartOptions(true, true).withAdminApi(AdminCommands::in));
        // The run file, as `civicmail start` writes it: a CLI process on this data directory finds the server.
        new RunFile(server.listeners()).write(data.runFile());
        admin = AdminClient.forRunningServer(data)
            .orElseThrow(() -> new IllegalStateException("the admin API does not answer on " + listener("admin")));
        Awaitility.await("the admin API runs commands").atMost(READY_TIMEOUT)
            .until(() -> cli(null, "--version").exitCode() == 0);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        try {
            if (server != null) {
                server.close();
            }
        } finally {
            server = null;
            if (data != null) {
                shutDownDerby(data.civicDerby());
                shutDownDerby(data.jamesDerby());
            }
            deleteRecursively(dir);
        }
    }

    public ListenerAddress listener(String name) {
        return server.listener(name);
    }

    @Override
    public int port(String listener) {
        return listener(listener).port();
    }

    @Override
    public CliResult cli(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintWriter o = new PrintWriter(out, true, StandardCharsets.UTF_8);
             PrintWriter e = new PrintWriter(err, true, StandardCharsets.UTF_8)) {
            byte[] in = stdin == null ? new byte[0] : stdin.getBytes(StandardCharsets.UTF_8);
            code = admin.execute(args, in, dir, o, e);
        }
        return new CliResult(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Override
    public Path data() {
        return data.root();
    }

    /** The running server, for what no user-facing door offers (its services). */
    public CivicMailServer server() {
        return server;
    }

    /** Embedded Derby keeps a database open in the JVM until told: free it, so the next class starts clean. */
    private static void shutDownDerby(Path database) {
        try {
            DriverManager.getConnection("jdbc:derby:" + database.toAbsolutePath() + ";shutdown=true").close();
        } catch (SQLException expected) {
            // 08006 is Derby's answer to a successful shutdown; XJ004: it was never booted.
        }
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}

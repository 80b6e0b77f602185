package org.civicmail.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import org.apache.james.imapserver.netty.IMAPServerFactory;
import org.apache.james.protocols.lib.netty.AbstractConfigurableAsyncServer;
import org.apache.james.smtpserver.netty.SMTPServerFactory;
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
import org.civicmail.authority.CaPassphrase;
import org.civicmail.ca.PassphraseSource;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The whole CivicMail server in the test's JVM, in the manner of GreenMail's {@code GreenMailExtension}: on free ports
 * (port 0) in a temporary data directory, deleted after it. Registered on a {@code static} field it serves every test
 * of the class (one start); on an instance field, each test gets a server of its own. Tests reach it the way users
 * do: {@link #listener} by name ({@code "imaps"}, {@code "submission"}, ...), the CLI through the real admin API
 * ({@link #cli}), what it logs ({@link #output}). {@link #stop}, {@link #start} and {@link #restart} stop it as
 * {@code civicmail stop} would (gracefully) and start it again on the same data directory, for tests about what
 * survives a restart. Ready means the admin API answers a command. Use {@link ForkedServer} only for tests about the
 * process itself (SIGTERM, kill -9, the launcher, a real CLI process forwarding to the server).
 * <pre>{@code
 * @RegisterExtension
 * static final CivicMailExtension civicmail = new CivicMailExtension().withConfiguration("civicmail.x", "y");
 * }</pre>
 */
public final class CivicMailExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        AfterEachCallback, RunningServer, AutoCloseable {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final Map<String, String> overrides = new HashMap<>();
    private Path conf = ForkedServer.CONF;
    /** The CA passphrase as an operator configures it; null: the demo start's generated one. */
    private String caPassphrase;
    /** Writes the data directory before the first start; null: the start makes an empty one. */
    private DataFixture fixture;
    /** A data directory that outlives this extension (another server's, e.g. a killed ForkedServer's); null: its own. */
    private Path existingData;
    /** Started in beforeAll (static field): one server for the class; otherwise one per test. */
    private boolean perClass;
    private Path dir;
    private DataDirectory data;
    private CivicMailServer server;
    private AdminClient admin;
    private ServerLog log;

    /** A configuration key for this server, as {@code -Dkey=value} on {@code civicmail start}. */
    public CivicMailExtension withConfiguration(String key, String value) {
        overrides.put(key, value);
        return this;
    }

    /** Another configuration directory (a copy of conf/ with test files beside it). */
    public CivicMailExtension withConf(Path conf) {
        this.conf = conf;
        return this;
    }

    /**
     * The CA passphrase given to the start as an operator gives it ({@code CIVICMAIL_CA_PASSPHRASE}, read through
     * {@link StartOptions#withEnvironment}), and not a demo start: for a data directory whose CA was made with it.
     */
    public CivicMailExtension withCaPassphrase(String passphrase) {
        this.caPassphrase = passphrase;
        return this;
    }

    /** A data directory {@code fixture} writes before the first start (e.g. one an older release made). */
    public CivicMailExtension withData(DataFixture fixture) {
        this.fixture = fixture;
        return this;
    }

    /** Fills the (not yet existing) data directory {@code data}. */
    @FunctionalInterface
    public interface DataFixture {
        void writeTo(Path data) throws Exception;
    }

    /**
     * Started without registering it, for a test that decides the configuration at run time (a subclass's, a
     * generated conf/); {@link #close} stops it and deletes its data directory.
     */
    public static CivicMailExtension started(Class<?> testClass, Map<String, String> configuration, Path conf) throws Exception {
        CivicMailExtension server = new CivicMailExtension().withConf(conf);
        server.overrides.putAll(configuration);
        server.perClass = true;
        server.create(testClass);
        return server;
    }

    /**
     * The next start, in the test's JVM, on the data directory a {@link ForkedServer} left (stopped or killed), with
     * the same configuration and the CA passphrase that server was given: for the part of a test about what a start
     * finds, after the part about the process. {@link #close} stops it and leaves the directory to its owner.
     */
    public static CivicMailExtension startedAfter(ForkedServer previous, Class<?> testClass) throws Exception {
        CivicMailExtension server = new CivicMailExtension().withConf(previous.conf()).withCaPassphrase(ForkedServer.CA_PASSPHRASE);
        server.overrides.putAll(previous.configuration());
        server.existingData = previous.data();
        server.perClass = true;
        server.create(testClass);
        return server;
    }

    @Override
    public void close() throws Exception {
        destroy();
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        perClass = true;
        create(context.getRequiredTestClass());
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        if (!perClass) {
            create(context.getRequiredTestClass());
        }
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        if (!perClass) {
            destroy();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        destroy();
    }

    private void create(Class<?> testClass) throws Exception {
        if (existingData != null) {
            data = new DataDirectory(existingData);
            dir = null; // nothing of this extension's own to delete
        } else {
            dir = Files.createTempDirectory("civicmail-" + testClass.getSimpleName() + "-");
            data = new DataDirectory(dir.resolve("data"));
        }
        log = new ServerLog();
        log.attach();
        if (fixture != null) {
            fixture.writeTo(data.root());
        }
        start();
    }

    private void destroy() throws Exception {
        try {
            stopAfterTheTests();
        } finally {
            if (log != null) {
                log.detach();
                log = null;
            }
            deleteRecursively(dir);
            dir = null;
        }
    }

    /** Starts the server on this extension's data directory (after {@link #stop}: the same data, new ports). */
    public void start() throws Exception {
        if (server != null) {
            throw new IllegalStateException("the server already runs");
        }
        Map<String, String> settings = new HashMap<>();
        // The webmail is a separate module built after this one; its own tests start it.
        settings.put("civicmail.webmail.enabled", "false");
        for (String key : List.of("smtp", "submission", "imap", "imaps", "webadmin", "admin", "ca", "broadcast", "webmail")) {
            settings.put("civicmail." + key + ".port", "0");
        }
        settings.putAll(overrides);
        CivicMailConfig config = CivicMailConfig.load(conf, settings);
        // demo: a generated CA passphrase (tests have no operator to type one); no demo accounts are made.
        StartOptions options = caPassphrase == null ? new StartOptions(true, true)
            : new StartOptions(true, false).withEnvironment(Map.of(PassphraseSource.ENV_PASSPHRASE, caPassphrase));
        server = CivicMailServer.start(config, data, options.withAdminApi(AdminCommands::in));
        // The run file, as `civicmail start` writes it: a CLI process on this data directory finds the server.
        new RunFile(server.listeners()).write(data.runFile());
        admin = AdminClient.forRunningServer(data)
            .orElseThrow(() -> new IllegalStateException("the admin API does not answer on " + listener("admin")));
        Awaitility.await("the admin API runs commands").atMost(READY_TIMEOUT)
            .until(() -> cli(null, "--version").exitCode() == 0);
    }

    /**
     * Stops the server as SIGTERM would (listeners, spool, mailboxes, CA, last its Derby databases, which are then
     * free for a CLI process or the test; see CivicMailServer#close). Nothing if it is not running.
     */
    public void stop() {
        if (server == null) {
            return;
        }
        try {
            server.close();
        } finally {
            server = null;
            admin = null;
            deleteRunFile();
        }
    }

    /**
     * The last stop, once the tests that used this server are over: as {@link #stop}, except that James's SMTP and IMAP
     * servers are unbound without waiting out Netty's 2 s quiet period (James's {@code gracefulShutdown=false}, set on
     * this server only). A graceful close exists to finish a transaction in flight; after the tests there is none that
     * anyone checks, and every in-process test paid the 2 s at its end. {@link #stop} and {@link #restart} inside a
     * test, the stops tests are about, stay graceful, as does every stop outside the tests (the configuration is
     * untouched).
     */
    private void stopAfterTheTests() {
        if (server != null) {
            List<AbstractConfigurableAsyncServer> protocolServers = new ArrayList<>(server.service(SMTPServerFactory.class).getServers());
            protocolServers.addAll(server.service(IMAPServerFactory.class).getServers());
            protocolServers.forEach(s -> s.setGracefulShutdown(false));
        }
        stop();
    }

    private void deleteRunFile() {
        try {
            Files.deleteIfExists(data.runFile());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** {@link #stop} then {@link #start} on the same data directory. */
    public void restart() throws Exception {
        stop();
        start();
    }

    /** Every line the server logged since this extension started it (formatted as on its console). */
    public List<String> output() {
        return log.lines();
    }

    /** Waits until the server logs a line matching {@code line}. */
    public void awaitOutput(Predicate<String> line, Duration timeout) {
        log.await(line, timeout);
    }

    /**
     * {@code civicmail ARGS} on the data directory of this stopped server, as the CLI runs it when no server runs (it
     * opens the directory itself; {@link OfflineCli}, in this JVM), with the CA passphrase of {@link #withCaPassphrase},
     * or else the one the extension's demo start generated, accepted deliberately through
     * {@code CIVICMAIL_CA_PASSPHRASE_FILE}.
     */
    public CliResult offlineCli(String stdin, String... args) {
        if (server != null) {
            throw new IllegalStateException("stop() the server first: while it runs, the CLI forwards to it (cli())");
        }
        Map<String, String> env = caPassphrase != null ? Map.of(PassphraseSource.ENV_PASSPHRASE, caPassphrase)
            : Map.of(PassphraseSource.ENV_PASSPHRASE_FILE, data.ca().resolve(CaPassphrase.DEMO_FILE).toString());
        return OfflineCli.run(data.root(), env, stdin, args);
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
            code = admin.execute(args, in, data.root().getParent(), o, e);
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

package org.civicmail.testkit;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;
import org.civicmail.admin.AdminClient;
import org.civicmail.admin.RunFile;
import org.civicmail.ca.PassphraseSource;
import org.civicmail.cli.Main;
import org.civicmail.server.DataDirectory;

/**
 * A real CivicMail server in its own JVM ({@code civicmail start}), on free ports, in a temporary data
 * directory, so tests can SIGTERM it, {@code kill -9} it and restart it on the same data.
 */
public final class ForkedServer implements RunningServer, AutoCloseable {
    public static final Path CONF = Path.of(System.getProperty("civicmail.conf", "../conf")).toAbsolutePath().normalize();
    /** Test-only CA key passphrase; real installations take theirs from the environment of the operator. */
    public static final String CA_PASSPHRASE = "integration-test-ca-passphrase";
    private static final Path LOG_DIR = createLogDir();
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    private final Path data;
    private final Map<String, String> overrides;
    private final List<String> output = new ArrayList<>();
    private Process process;
    private Map<String, Integer> ports = Map.of();

    private final Path conf;
    /** When set: started as a person would, through the {@code civicmail} launcher, from a shell with this umask. */
    private final String launcherUmask;

    private ForkedServer(Path data, Map<String, String> overrides, Path conf, String launcherUmask) {
        this.data = data;
        this.overrides = overrides;
        this.conf = conf;
        this.launcherUmask = launcherUmask;
    }

    /**
     * Through the real {@code civicmail} launcher (with this build's class path instead of its build step), from a
     * shell whose umask is {@code umask}: what the launcher itself sets is what the server gets.
     */
    public static ForkedServer startWithLauncher(Path data, Map<String, String> overrides, String umask) throws Exception {
        ForkedServer server = new ForkedServer(data, overrides, CONF, umask);
        server.launch();
        return server;
    }

    public static ForkedServer start(Path data, Map<String, String> overrides) throws Exception {
        return start(data, overrides, CONF);
    }

    /** With another configuration directory (a copy of conf/ with test files beside it). */
    public static ForkedServer start(Path data, Map<String, String> overrides, Path conf) throws Exception {
        ForkedServer server = new ForkedServer(data, overrides, conf, null);
        server.launch();
        return server;
    }

    public static ForkedServer start(Path data) throws Exception {
        return start(data, Map.of());
    }

    private void launch() throws Exception {
        List<String> command = launcherUmask == null ? javaCommand() : launcherCommand(launcherUmask);
        command.add("start");
        command.add("--data");
        command.add(data.toString());
        command.add("--conf");
        command.add(conf.toString());
        Map<String, String> settings = new HashMap<>();
        // The webmail is a separate module built after this one; its own tests start it.
        settings.put("civicmail.webmail.enabled", "false");
        settings.put("civicmail.webmail.port", "0");
        for (String key : List.of("smtp", "submission", "imap", "imaps", "webadmin", "admin", "ca", "broadcast")) {
            settings.put("civicmail." + key + ".port", "0");
        }
        settings.putAll(overrides);
        settings.forEach((k, v) -> command.add("-D" + k + "=" + v));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        pb.environment().put("CIVICMAIL_CA_PASSPHRASE", CA_PASSPHRASE);
        if (launcherUmask != null) {
            pb.environment().put("CIVICMAIL_CLASSPATH", System.getProperty("java.class.path"));
            pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
            List<String> javaOptions = new ArrayList<>(List.of("-Xmx512m"));
            javaOptions.addAll(ChildJvm.options());
            pb.environment().put("CIVICMAIL_JAVA_OPTS", String.join(" ", javaOptions));
        }
        process = pb.start();
        Thread reader = new Thread(this::readOutput, "forked-server-output");
        reader.setDaemon(true);
        reader.start();
        try {
            Awaitility.await("the admin API of the server process " + process.pid()).atMost(START_TIMEOUT)
                .pollInterval(Duration.ofMillis(50))
                .failFast("the server process exited", () -> !process.isAlive())
                .until(this::answersOnAdminApi);
        } catch (ConditionTimeoutException | TerminalFailureException e) {
            process.destroyForcibly();
            throw new IllegalStateException("server did not start; output:\n" + String.join("\n", output()), e);
        }
    }

    /**
     * Ready as the CLI sees it, not by what the process prints: its run file (written once every listener is bound)
     * names this process, not a killed one before it on the same data directory, and the admin API it names runs a
     * command. The ports are the run file's.
     */
    private boolean answersOnAdminApi() throws IOException {
        DataDirectory dir = new DataDirectory(data);
        if (!Files.exists(dir.runFile()) || !RunFile.writer(dir.runFile()).equals(Optional.of(process.pid()))) {
            return false;
        }
        Optional<AdminClient> admin = AdminClient.forRunningServer(dir);
        if (admin.isEmpty() || forwarded(admin.get(), null, "--version").exitCode() != 0) {
            return false;
        }
        Map<String, Integer> found = new HashMap<>();
        RunFile.read(dir.runFile()).listeners().forEach(l -> found.put(l.name(), l.port()));
        ports = Map.copyOf(found);
        return true;
    }

    private void readOutput() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                synchronized (output) {
                    output.add(line);
                }
                // Kept under target/ so a failed run can be diagnosed after JUnit deleted the temp dir.
                Files.writeString(LOG_DIR.resolve("server-" + Integer.toHexString(data.hashCode()) + ".log"), line + "\n",
                    StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            }
        } catch (IOException e) {
            synchronized (output) {
                output.add("<output no longer readable: " + e + ">");
            }
        }
    }

    /** Waits until the server prints a matching line (checked as lines arrive, so a test can act at that moment). */
    public void awaitOutput(java.util.function.Predicate<String> line, Duration timeout) {
        Awaitility.await("a line the server printed").atMost(timeout).pollInterval(Duration.ofMillis(5))
            .until(() -> output().stream().anyMatch(line));
    }

    public List<String> output() {
        synchronized (output) {
            return List.copyOf(output);
        }
    }

    static List<String> javaCommand() {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx512m");
        command.addAll(ChildJvm.options());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("org.civicmail.cli.Main");
        return command;
    }

    /** {@code sh -c 'umask U; exec civicmail "$@"'}: sh, the launcher and the JVM are one process (exec). */
    private static List<String> launcherCommand(String umask) {
        Path launcher = CONF.getParent().resolve("civicmail");
        return new ArrayList<>(List.of("/bin/sh", "-c", "umask " + umask + " && exec \"$0\" \"$@\"", launcher.toString()));
    }

    /** The configuration keys this server was started with (beyond the free ports every forked server gets). */
    public Map<String, String> configuration() {
        return overrides;
    }

    /** Its configuration directory. */
    public Path conf() {
        return conf;
    }

    /** The server's process id (the JVM's, also when started through the launcher). */
    public long pid() {
        return process.pid();
    }


    @Override
    public int port(String listener) {
        Integer port = ports.get(listener);
        if (port == null) {
            throw new IllegalArgumentException("no listener " + listener + " in " + ports);
        }
        return port;
    }

    @Override
    public Path data() {
        return data;
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed. */
    public void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM and wait for a clean stop. */
    public int stop() throws InterruptedException {
        // Through the handle: Process.destroy() also closes our end of the output pipe, so what the server logs while
        // it stops (the lines a test checks for errors) would be lost.
        process.toHandle().destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("server did not stop within 60 s of SIGTERM");
        }
        return process.exitValue();
    }

    public ForkedServer restart() throws Exception {
        if (process.isAlive()) {
            stop();
        }
        return launcherUmask == null ? start(data, overrides, conf) : startWithLauncher(data, overrides, launcherUmask);
    }

    /**
     * Runs {@code civicmail ARGS} against this server's data dir the way the CLI does: while the server runs, a command
     * the CLI would forward ({@link Main#forwardsToServer}) goes over the same admin API here, without the start-up
     * of a CLI JVM (about a second each; the ITs run hundreds of commands); any other command, and every command while
     * the server is down, runs as a separate process ({@link #runCli}). The CLI process's own forwarding is tested by
     * {@code PrivateDataIT}, which keeps using {@link #runCli}.
     */
    @Override
    public CliResult cli(String stdin, String... args) throws Exception {
        if (process != null && process.isAlive() && Main.forwardsToServer(args)) {
            Optional<AdminClient> admin = AdminClient.forRunningServer(new DataDirectory(data));
            if (admin.isPresent()) {
                return forwarded(admin.get(), stdin, args);
            }
        }
        return runCli(data, stdin, args);
    }

    private static CliResult forwarded(AdminClient admin, String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        // As the CLI process: standard input is read (and sent) only for --password-stdin.
        byte[] in = stdin != null && Arrays.asList(args).contains("--password-stdin") ? stdin.getBytes(StandardCharsets.UTF_8) : new byte[0];
        int code;
        try (PrintWriter o = new PrintWriter(out, true, StandardCharsets.UTF_8);
             PrintWriter e = new PrintWriter(err, true, StandardCharsets.UTF_8)) {
            code = admin.execute(args, in, Path.of("").toAbsolutePath(), o, e);
        }
        return new CliResult(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** {@code civicmail ARGS} as a CLI process of its own on {@code data}, with the test CA passphrase. */
    public static CliResult runCli(Path data, String stdin, String... args) throws Exception {
        List<String> command = javaCommand();
        // As the civicmail script does: without a server to forward to, commands read CONF (e.g. `ca revoke`).
        command.add(1, "-Dcivicmail.home=" + CONF.getParent());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("CIVICMAIL_DATA", data.toString());
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        pb.environment().put(PassphraseSource.ENV_PASSPHRASE, CA_PASSPHRASE);
        Process p = pb.start();
        if (stdin != null) {
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        p.getOutputStream().close();
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
        String out = readAll(p.getInputStream());
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("civicmail " + String.join(" ", args) + " did not finish");
        }
        return new CliResult(p.exitValue(), out, err.get());
    }

    private static String readAll(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "<" + e + ">";
        }
    }

    public record CliResult(int exitCode, String out, String err) {
    }

    @Override
    public void close() throws Exception {
        if (process != null && process.isAlive()) {
            stop();
        }
    }

    private static Path createLogDir() {
        try {
            return Files.createDirectories(Path.of("target", "it-server-logs"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Path tempData(Path tmp) throws IOException {
        return Files.createDirectories(tmp.resolve("data"));
    }
}

package org.civicmail.webmail.testkit;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * `civicmail start --demo` as a person runs it: the whole system (James, CA, webmail child JVM) in a forked JVM
 * on free ports in a temporary data directory, with the listeners and demo passwords it prints. For tests about
 * the process itself (stop, kill -9); it needs mail-server built first (the reactor does that).
 */
public final class WholeSystem implements AutoCloseable {
    public static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    private final Process process;
    private final Path data;
    private final Path stderr;
    private final Map<String, String> listeners;
    private final Map<String, String> demoPasswords;

    private WholeSystem(Process process, Path data, Path stderr, Map<String, String> listeners, Map<String, String> demoPasswords) {
        this.process = process;
        this.data = data;
        this.stderr = stderr;
        this.listeners = listeners;
        this.demoPasswords = demoPasswords;
    }

    public static WholeSystem start(Path tmp) throws Exception {
        return start(tmp, Map.of());
    }

    /** @param settings configuration keys set for this run ({@code -Dkey=value}, as `civicmail start` takes them) */
    public static WholeSystem start(Path tmp, Map<String, String> settings) throws Exception {
        String classpath = ROOT.resolve("mail-server/target/classes") + java.io.File.pathSeparator
            + ROOT.resolve("bench/target/classes") + java.io.File.pathSeparator // the demo data (module bench)
            + Files.readString(ROOT.resolve("mail-server/target/civicmail.classpath")).trim();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx768m"));
        command.addAll(childJvmOptions());
        command.addAll(List.of("-Dcivicmail.home=" + ROOT, "-cp", classpath, "org.civicmail.cli.Main", "start", "--demo",
            "--data", tmp.resolve("data").toString(), "--conf", ROOT.resolve("conf").toString()));
        for (String key : List.of("smtp", "submission", "imap", "imaps", "webadmin", "admin", "ca", "broadcast", "webmail")) {
            command.add("-Dcivicmail." + key + ".port=0");
        }
        settings.forEach((key, value) -> command.add("-D" + key + "=" + value));
        Path stderr = tmp.resolve("server.err");
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(stderr.toFile());
        pb.environment().remove("CIVICMAIL_CA_PASSPHRASE");
        pb.environment().remove("CIVICMAIL_CA_PASSPHRASE_FILE");
        Process process = pb.start();
        Map<String, String> listeners = new ConcurrentHashMap<>();
        Map<String, String> passwords = new ConcurrentHashMap<>();
        CompletableFuture<Void> ready = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    String[] parts = line.trim().split("\\s+");
                    if (parts.length == 3 && parts[1].contains("@")) {
                        passwords.put(parts[1], parts[2]);
                    } else if (parts.length == 2 && parts[1].matches("[0-9.]+:\\d+")) {
                        listeners.put(parts[0], parts[1]);
                        if (parts[0].equals("webmail")) {
                            ready.complete(null);
                        }
                    }
                }
            } catch (Exception e) {
                ready.completeExceptionally(e);
            }
            ready.completeExceptionally(new IllegalStateException("the server exited before the webmail was ready"));
        }, "whole-system-output");
        reader.setDaemon(true);
        reader.start();
        try {
            ready.get(240, TimeUnit.SECONDS);
        } catch (Exception e) {
            process.destroyForcibly();
            throw new IllegalStateException("system did not start; stderr:\n" + Files.readString(stderr), e);
        }
        return new WholeSystem(process, tmp.resolve("data"), stderr, listeners, passwords);
    }

    /**
     * The build's options for JVMs tests start (parent pom, {@code test.jit-options}: C2 left to the hot loops
     * of these short-lived JVMs); none outside Maven. The mail server's test kit reads the same property (ChildJvm).
     */
    private static List<String> childJvmOptions() {
        String options = System.getProperty("civicmail.test.child-jvm-options", "").trim();
        return options.isEmpty() ? List.of() : List.of(options.split("\\s+"));
    }

    public Process process() {
        return process;
    }

    /** The webmail child JVM (a descendant of the server process). */
    public ProcessHandle webmailChild() {
        return process.descendants().filter(p -> p.info().commandLine().orElse("").contains("WebmailMain")).findFirst()
            .orElseThrow(() -> new IllegalStateException("no webmail child process under " + process.pid()));
    }

    public String listener(String name) {
        String hostPort = listeners.get(name);
        if (hostPort == null) {
            throw new IllegalArgumentException("no listener " + name + "; have " + listeners.keySet());
        }
        return hostPort;
    }

    public int port(String name) {
        String hostPort = listener(name);
        return Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1));
    }

    public String password(String address) {
        return demoPasswords.get(address);
    }

    /**
     * Runs `civicmail ARGS` against the running system (over its admin API), as an administrator would; its output.
     * A command the CLI forwards to the running server ({@code cli.Main.forwardsToServer}) goes over the same admin API
     * from this JVM, through the CLI's own client ({@code admin.AdminClient}), without the start-up of a CLI JVM (about
     * 1.5 s of CPU each); any other command, and every command while the server is down, runs as a CLI process.
     */
    public String cli(String... args) throws Exception {
        if (process.isAlive()) {
            java.util.Optional<String> forwarded = CivicMailClasses.forwarded(data, args);
            if (forwarded.isPresent()) {
                return forwarded.get();
            }
        }
        String classpath = ROOT.resolve("mail-server/target/classes") + java.io.File.pathSeparator
            + ROOT.resolve("bench/target/classes") + java.io.File.pathSeparator // the demo data (module bench)
            + Files.readString(ROOT.resolve("mail-server/target/civicmail.classpath")).trim();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(childJvmOptions());
        command.addAll(List.of("-cp", classpath, "org.civicmail.cli.Main"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("CIVICMAIL_DATA", data.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("civicmail " + String.join(" ", args) + " failed:\n" + out);
        }
        return out;
    }

    /** The city's CA certificates the server gave its webmail (root and issuing), PEM. */
    public Path cityCertificates() {
        return data.resolve("webmail/root-ca.pem");
    }

    /** An IMAPS client (Jakarta Mail, trusting the city's CA certificates) signed in as {@code address}. */
    public jakarta.mail.Store imaps(String address, String password) throws Exception {
        java.util.Properties p = new java.util.Properties();
        p.put("mail.imaps.ssl.socketFactory", tls(null, null).getSocketFactory());
        p.put("mail.imaps.ssl.checkserveridentity", "false");
        jakarta.mail.Store store = jakarta.mail.Session.getInstance(p).getStore("imaps");
        store.connect("127.0.0.1", port("imaps"), address, password);
        return store;
    }

    /** Where the webmail sends "举报" notices (the city's administrator account), as `civicmail start` told it. */
    public String reportAddress() throws java.io.IOException {
        java.util.Properties p = new java.util.Properties();
        try (var in = Files.newBufferedReader(data.resolve("webmail/webmail.properties"), StandardCharsets.UTF_8)) {
            p.load(in);
        }
        return p.getProperty("webmail.report-address");
    }

    /** The administrator (webmail master) account's password, from the data directory (owner-only file). */
    public String reportAddressPassword() throws java.io.IOException {
        return Files.readString(data.resolve("keys/webmail-master.secret")).trim();
    }

    /** Inbound SMTP from outside: the message's bytes unchanged, answered 250. */
    public void injectFromOutside(String mailFrom, String rcptTo, byte[] raw) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port("smtp"))) {
            socket.setSoTimeout(60_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
            java.io.OutputStream out = socket.getOutputStream();
            expect(in, "220");
            for (String[] step : List.of(new String[] {"EHLO outside.example", "250"},
                    new String[] {"MAIL FROM:<" + mailFrom + ">", "250"},
                    new String[] {"RCPT TO:<" + rcptTo + ">", "250"}, new String[] {"DATA", "354"})) {
                out.write((step[0] + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                expect(in, step[1]);
            }
            out.write(raw);
            out.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            expect(in, "250");
        }
    }

    private static void expect(BufferedReader in, String code) throws java.io.IOException {
        String line;
        do {
            line = in.readLine();
        } while (line != null && line.length() > 3 && line.charAt(3) == '-');
        if (line == null || !line.startsWith(code)) {
            throw new IllegalStateException("SMTP: expected " + code + ", got " + line);
        }
    }

    /** HTTPS client trusting the city root; with {@code p12} it presents that client certificate. */
    public java.net.http.HttpClient httpsClient(Path p12, char[] password) throws Exception {
        return java.net.http.HttpClient.newBuilder().sslContext(tls(p12, password))
                .followRedirects(java.net.http.HttpClient.Redirect.NEVER).build();
    }

    /** TLS trusting the city's CA certificates; with {@code p12} presenting that client certificate. */
    private javax.net.ssl.SSLContext tls(Path p12, char[] password) throws Exception {
        javax.net.ssl.KeyManager[] keys = null;
        if (p12 != null) {
            java.security.KeyStore identity = java.security.KeyStore.getInstance("PKCS12");
            try (var in = Files.newInputStream(p12)) {
                identity.load(in, password);
            }
            javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance(javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(identity, password);
            keys = kmf.getKeyManagers();
        }
        java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        // Every CA certificate of the file (the root is not the first one since the purpose-bound hierarchy).
        try (var in = Files.newInputStream(cityCertificates())) {
            int i = 0;
            for (java.security.cert.Certificate c : java.security.cert.CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("city-ca-" + i++, c);
            }
        }
        javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        javax.net.ssl.SSLContext tls = javax.net.ssl.SSLContext.getInstance("TLS");
        tls.init(keys, tmf.getTrustManagers(), null);
        return tls;
    }

    /** The webmail child's log (its stderr), for failure messages. */
    public String webmailLog() throws java.io.IOException {
        return Files.readString(data.resolve("logs/webmail.log"));
    }

    public String stderr() throws java.io.IOException {
        return Files.readString(stderr);
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}

package org.civicmail.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.james.user.api.UsersRepository;
import org.civicmail.login.AccountSessions;
import org.civicmail.login.FrontEndKey;
import org.civicmail.login.WebmailMasterUser;
import org.civicmail.ca.Pem;
import org.civicmail.account.AccountClass;
import org.civicmail.config.CivicMailConfig;
import org.civicmail.tls.TlsKeyStore;
import org.civicmail.tls.TlsPolicy;
import org.civicmail.verdict.Authorities;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The webmail as a child JVM: Jakarta Mail cannot share a JVM with James's javax.mail. It is an ordinary
 * IMAP/submission client of this server, over STARTTLS, trusting our root, serving HTTPS with the server's TLS
 * certificate; its stderr goes to {@code DATA/logs/webmail.log}. Secrets reach it through its environment only.
 */
public final class WebmailProcess implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WebmailProcess.class);
    private static final long START_TIMEOUT_SECONDS = 90;
    /** Part of the whole system's 5 s stop budget; the webmail only closes sessions and its HTTPS listener. */
    private static final long STOP_TIMEOUT_SECONDS = 3;

    private final Process process;
    private final ListenerAddress address;

    private WebmailProcess(Process process, ListenerAddress address) {
        this.process = process;
        this.address = address;
    }

    public ListenerAddress address() {
        return address;
    }

    /** Starts the webmail built under {@code home/webmail}; empty (with a log line saying why) if it is not built. */
    public static Optional<WebmailProcess> start(Path home, CivicMailConfig config, DataDirectory data, CivicMailServer server)
            throws Exception {
        Path classes = home.resolve("webmail/target/classes");
        Path lib = home.resolve("webmail/target/lib");
        if (!Files.isDirectory(classes.resolve("org/civicmail/webmail")) || !Files.isDirectory(lib)) {
            LOG.warn("Webmail not started: {} is not built; run `mvn -B install -DskipTests` in {}", classes, home);
            return Optional.empty();
        }
        Path dir = Files.createDirectories(data.root().resolve("webmail"));
        Path rootPem = dir.resolve("root-ca.pem");
        // The webmail judges signatures with the server's own Authorities (one source: the configuration read at
        // start), so its panel and the server's header cannot disagree about whom to trust. The city's certificates
        // (root and every issuing CA: a signature that carries only the leaf still chains and is checked for revocation) are
        // also its trust for TLS and certificate login; other CAs' roots only for S/MIME, in a file of their own.
        Authorities authorities = server.service(Authorities.class);
        Files.writeString(rootPem, Pem.certificates(authorities.cityCertificates()), StandardCharsets.US_ASCII);
        Path foreignPem = dir.resolve("smime-foreign-anchors.pem");
        Files.deleteIfExists(foreignPem);
        if (!authorities.foreignAnchors().isEmpty()) {
            Files.writeString(foreignPem, Pem.certificates(authorities.foreignAnchors()), StandardCharsets.US_ASCII);
        }
        String masterUser = CivicMailServer.ADMIN_USER_LOCAL_PART + "@" + config.domain(AccountClass.OFFICIAL);
        String masterPassword = WebmailMasterUser.ensure(data, server.service(UsersRepository.class), masterUser);
        TlsKeyStore tls = new TlsKeyStore(data.keys());

        Properties p = new Properties();
        p.setProperty("webmail.http.host", config.bindHost());
        p.setProperty("webmail.http.port", String.valueOf(config.port(CivicMailConfig.Listener.WEBMAIL)));
        p.setProperty("webmail.https.keystore", tls.file().toString());
        p.setProperty("webmail.https.keystore.password-env", "WEBMAIL_KEYSTORE_PASSWORD");
        p.setProperty("webmail.https.client-auth", "true");
        p.setProperty("webmail.cookie.secure", "true");
        p.setProperty("webmail.imap.host", "127.0.0.1");
        p.setProperty("webmail.imap.port", String.valueOf(server.listener("imap").port()));
        p.setProperty("webmail.imap.tls", "starttls");
        p.setProperty("webmail.submission.host", "127.0.0.1");
        p.setProperty("webmail.submission.port", String.valueOf(server.listener("submission").port()));
        p.setProperty("webmail.submission.starttls", "true");
        p.setProperty("webmail.trust-anchor", rootPem.toString());
        if (!authorities.foreignAnchors().isEmpty()) {
            p.setProperty("webmail.smime.foreign-anchors", foreignPem.toString());
        }
        p.setProperty("webmail.revocation.check", "true");
        p.setProperty("webmail.imap.master-user", masterUser);
        p.setProperty("webmail.imap.master-password-env", "WEBMAIL_MASTER_PASSWORD");
        p.setProperty("webmail.imap.front-end-key-env", "WEBMAIL_FRONT_END_KEY");
        p.setProperty("webmail.official-domain", config.domain(AccountClass.OFFICIAL));
        p.setProperty("webmail.city-domains", java.util.Arrays.stream(AccountClass.values()).map(config::domain)
            .distinct().collect(java.util.stream.Collectors.joining(",")));
        p.setProperty("webmail.report-address", masterUser);
        p.setProperty("webmail.preferences", dir.resolve("preferences.properties").toString());
        p.setProperty("webmail.lang.default", "zh");
        Path propertiesFile = dir.resolve("webmail.properties");
        try (Writer w = Files.newBufferedWriter(propertiesFile, StandardCharsets.UTF_8)) {
            p.store(w, "Written by civicmail start at every start; edit conf/civicmail.properties instead");
        }

        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmMemoryOptions(config.webmailHeapMib()));
        command.add("-Dwebmail.exit-with-parent=true");
        command.addAll(TlsPolicy.jvmOptions());
        command.add("-cp");
        command.add(classes + java.io.File.pathSeparator + lib + "/*");
        command.add("org.civicmail.webmail.WebmailMain");
        command.add(propertiesFile.toString());
        ProcessBuilder pb = new ProcessBuilder(command)
            .redirectError(ProcessBuilder.Redirect.appendTo(data.logs().resolve("webmail.log").toFile()));
        // glibc gives every thread that allocates its own malloc arena (64 MiB reserved, partly touched each); two
        // are enough for a JVM whose Java objects live in the heap. Set here too, in case the server was started
        // without the launcher (which sets it for the server itself).
        pb.environment().putIfAbsent("MALLOC_ARENA_MAX", "2");
        pb.environment().put("WEBMAIL_KEYSTORE_PASSWORD", new String(tls.secret()));
        pb.environment().put("WEBMAIL_MASTER_PASSWORD", masterPassword);
        pb.environment().put("WEBMAIL_FRONT_END_KEY", server.service(FrontEndKey.class).value());
        Process process = pb.start();
        CompletableFuture<ListenerAddress> ready = new CompletableFuture<>();
        Thread reader = new Thread(() -> readStdout(process, ready), "webmail-stdout");
        reader.setDaemon(true);
        reader.start();
        try {
            WebmailProcess child = new WebmailProcess(process, ready.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS));
            server.service(AccountSessions.class).onEnd(child::endSessionsOf);
            return Optional.of(child);
        } catch (Exception e) {
            process.destroyForcibly();
            throw new IllegalStateException("the webmail did not start within " + START_TIMEOUT_SECONDS + " s; see "
                + data.logs().resolve("webmail.log") + " (or set civicmail.webmail.enabled=false)", e);
        }
    }

    /**
     * The webmail's share of the system's 512 MiB: a heap that starts at 16 MiB and grows only as sessions need it,
     * up to {@code civicmail.webmail.heap-mib}; the serial collector (no per-region overhead); the C1 compiler only
     * (a page is I/O-bound, and C1's code cache and compiler arenas are a fraction of C2's), its code cache capped
     * at 32 MiB (it uses about 5); freed malloc memory returned to the OS every 5 s; 512 KiB thread stacks.
     */
    static List<String> jvmMemoryOptions(int heapMib) {
        return List.of("-Xms" + Math.min(16, heapMib) + "m", "-Xmx" + heapMib + "m", "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1", "-XX:ReservedCodeCacheSize=32m", "-XX:TrimNativeHeapInterval=5000", "-Xss512k");
    }

    private static void readStdout(Process process, CompletableFuture<ListenerAddress> ready) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (!ready.isDone() && line.matches("webmail \\S+:\\d+")) {
                    String hostPort = line.substring("webmail ".length());
                    int colon = hostPort.lastIndexOf(':');
                    ready.complete(new ListenerAddress("webmail", hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1))));
                }
            }
        } catch (IOException e) {
            ready.completeExceptionally(e);
        }
        // End of stdout: the child closed it, normally by exiting. Its exit code is only known once it has exited.
        if (!ready.isDone()) {
            try {
                ready.completeExceptionally(new IllegalStateException("the webmail exited with code " + process.waitFor()));
            } catch (InterruptedException e) {
                ready.completeExceptionally(e);
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Tells the webmail to end every session of {@code address} (account disabled). The child reads its standard
     * input, which only this process can write, one command per line.
     */
    public synchronized void endSessionsOf(String address) {
        try {
            var in = process.getOutputStream();
            in.write(("end-sessions " + address + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
        } catch (IOException e) {
            LOG.warn("Could not tell the webmail to end the sessions of {}: {}", address, e.toString());
        }
    }

    /** Sends SIGTERM without waiting, so the webmail stops while the server does; {@link #close} then waits. */
    public void beginStop() {
        process.destroy();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                LOG.warn("The webmail did not stop within {} s of SIGTERM; killed", STOP_TIMEOUT_SECONDS);
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}

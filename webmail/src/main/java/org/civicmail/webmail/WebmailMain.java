package org.civicmail.webmail;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import javax.net.ssl.SSLSocketFactory;
import org.civicmail.webmail.compose.MailSender;
import org.civicmail.webmail.config.WebmailConfig;
import org.civicmail.webmail.imap.ImapConnector;
import org.civicmail.verdict.Authorities;
import org.civicmail.verdict.revocation.CrlClient;
import org.civicmail.verdict.revocation.OcspClient;
import org.civicmail.verdict.revocation.OnlineRevocation;
import org.civicmail.verdict.revocation.RevocationSource;
import org.civicmail.webmail.signature.CachingRevocation;
import org.civicmail.webmail.signature.NoRevocationCheck;
import org.civicmail.webmail.tls.TrustAnchors;
import org.civicmail.webmail.web.WebmailServer;

/**
 * Starts the webmail: {@code java -cp ... org.civicmail.webmail.WebmailMain conf/webmail.properties}.
 * Prints exactly one line {@code webmail HOST:PORT} on stdout when ready; stops cleanly on SIGTERM.
 * Exit code 2: bad configuration (message on stderr names the key).
 */
public final class WebmailMain {

    /** Command line on stdin from the parent: end every session of the address that follows. */
    static final String END_SESSIONS = "end-sessions ";

    private WebmailMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: WebmailMain <webmail.properties>");
            System.exit(2);
        }
        WebmailConfig config;
        Authorities authorities;
        try {
            config = WebmailConfig.load(Path.of(args[0]));
            authorities = authorities(config);
        } catch (IllegalArgumentException | java.io.IOException e) {
            System.err.println("webmail: " + args[0] + ": " + e.getMessage());
            System.exit(2);
            return;
        }
        WebmailServer server = create(config, authorities, Clock.systemUTC());
        int port = server.start();
        CountDownLatch stopped = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean once = new java.util.concurrent.atomic.AtomicBoolean();
        Runnable shutdown = () -> {
            if (once.compareAndSet(false, true)) {
                server.stop();
            }
            stopped.countDown();
        };
        Runtime.getRuntime().addShutdownHook(new Thread(shutdown, "webmail-shutdown"));
        // SIGTERM from the parent (./civicmail stop) is a normal stop: close sessions, exit 0 rather than 143.
        sun.misc.Signal.handle(new sun.misc.Signal("TERM"), sig -> {
            shutdown.run();
            System.exit(0);
        });
        exitWithParent(shutdown, server);
        System.out.println("webmail " + config.httpHost() + ":" + port);
        System.out.flush();
        stopped.await();
    }

    /**
     * The parent (`civicmail start`) holds our stdin open for its whole life; end of input means it is gone, even
     * after a kill -9 that ran no shutdown hook, so the webmail must not outlive it as an orphan holding its port.
     * A webmail started by hand (stdin a terminal or /dev/null) is not watched: read() returns -1 at once only for
     * /dev/null, so the watch is enabled by the parent with -Dwebmail.exit-with-parent=true.
     */
    private static void exitWithParent(Runnable shutdown, WebmailServer server) {
        if (!Boolean.getBoolean("webmail.exit-with-parent")) {
            return;
        }
        Thread watch = new Thread(() -> {
            try (java.io.BufferedReader in = new java.io.BufferedReader(
                    new java.io.InputStreamReader(System.in, java.nio.charset.StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    // The parent's one command: an account was disabled (only the parent can write to our stdin).
                    if (line.startsWith(END_SESSIONS) && line.length() > END_SESSIONS.length()) {
                        server.endSessionsOf(line.substring(END_SESSIONS.length()).trim());
                    }
                }
            } catch (java.io.IOException e) {
                // A broken pipe means the same as end of input: the parent is gone.
            }
            shutdown.run();
            System.exit(0);
        }, "webmail-parent-watch");
        watch.setDaemon(true);
        watch.start();
    }

    /**
     * The city's certificates ({@link WebmailConfig#TRUST_ANCHOR}: S/MIME, TLS, certificate login) and other CAs'
     * roots ({@link WebmailConfig#SMIME_FOREIGN_ANCHORS}: S/MIME only), read once at start.
     */
    static Authorities authorities(WebmailConfig config) throws java.io.IOException {
        List<X509Certificate> city = config.trustAnchorPem() == null ? List.of() : TrustAnchors.load(config.trustAnchorPem());
        List<X509Certificate> foreign = config.smimeForeignAnchorsPem() == null ? List.of()
                : TrustAnchors.load(config.smimeForeignAnchorsPem());
        return new Authorities(city, foreign);
    }

    /** Wires the server from configuration; used by the main method, tests and the benchmark. */
    public static WebmailServer create(WebmailConfig config, Authorities authorities, Clock clock)
            throws java.security.GeneralSecurityException {
        List<X509Certificate> city = authorities.cityCertificates();
        SSLSocketFactory tls = city.isEmpty() ? null : TrustAnchors.socketFactory(city);
        // The city CA's certificates name its OCSP responder: asked (nonce, responder and freshness checked) for
        // every city signature, like any foreign one; the CRL when OCSP gives no usable answer.
        RevocationSource revocation = config.revocationCheck()
                ? new CachingRevocation(new OnlineRevocation(new OcspClient(clock), new CrlClient(Duration.ofMinutes(5), clock)),
                        Duration.ofMinutes(5), clock)
                : NoRevocationCheck.INSTANCE;
        return create(config, authorities, revocation, tls, clock);
    }

    public static WebmailServer create(WebmailConfig config, Authorities authorities,
                                       RevocationSource revocation, SSLSocketFactory tls, Clock clock) {
        return new WebmailServer(config, authorities, revocation, new ImapConnector(config, tls),
                new MailSender(config, tls), clock);
    }
}

package org.civicmail.bench.mailflow;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.civicmail.admin.AdminClient;
import org.civicmail.account.AccountClass;
import org.civicmail.account.ResidentIdNumber;
import org.civicmail.login.WebmailMasterUser;
import org.civicmail.server.CivicMailServer;
import org.civicmail.server.DataDirectory;
import org.civicmail.config.CivicMailConfig;

/**
 * Everyday mail flow, measured the way issue 14 compares us with Postfix: N citizen mailboxes, M messages of about
 * 4 KiB in sessions of K messages, C sessions at a time, and the time until the last message is in its mailbox.
 * Runs (a) the inbound {@code smtp} port (verification only: the senders are outside the city) and (b) submission
 * with STARTTLS + AUTH from official senders (signed, then verified and delivered), against a server forked in a
 * scratch data directory; or, with a peer, only the inbound workload against that peer's SMTP port and Maildirs.
 */
public final class MailflowBenchmark {
    /** What to run; see {@code ./civicmail bench mailflow --help}. */
    public record Settings(int mailboxes, int messages, int perConnection, int concurrency, int sizeBytes, int senders,
                           boolean inbound, boolean submission, boolean webmail, Optional<Peer> peer) {
    }

    /** Another MTA on loopback taking the same workload; its mailboxes are Maildirs under {@code maildirRoot}. */
    public record Peer(String name, InetSocketAddress smtp, Path maildirRoot) {
    }

    private static final String PASSWORD = "mailflow-bench-password";
    private static final Duration DELIVERY_TIMEOUT = Duration.ofMinutes(30);

    private final Path data;
    private final CivicMailConfig config;
    private final PrintStream out;

    public MailflowBenchmark(Path data, CivicMailConfig config, PrintStream out) {
        this.data = data;
        this.config = config;
        this.out = out;
    }

    public void run(Settings s) throws Exception {
        List<String> mailboxes = new ArrayList<>();
        for (int i = 0; i < s.mailboxes(); i++) {
            mailboxes.add(String.format("mf-%05d@%s", i, config.domain(AccountClass.CITIZEN)));
        }
        int connections = s.messages() / s.perConnection();
        int messages = connections * s.perConnection();
        out.printf("mailflow: %,d messages of %,d bytes to %,d mailboxes, %,d sessions of %d messages, %d at a time%n",
            messages, s.sizeBytes(), s.mailboxes(), connections, s.perConnection(), s.concurrency());
        if (s.peer().isPresent()) {
            Peer peer = s.peer().get();
            SmtpLoad load = new SmtpLoad(peer.smtp(), Optional.empty(), mailboxes, s.sizeBytes());
            measure(peer.name() + " inbound", load, new MaildirDeliveryProbe(peer.maildirRoot()), mailboxes, new HashMap<>(), s, connections);
            return;
        }
        String passphrase = randomSecret();
        try (ForkedCivicMail server = ForkedCivicMail.start(data, config.confDir(), passphrase, s.webmail())) {
            List<String> senders = createAccounts(mailboxes, s.senders());
            SSLContext tls = trustingOurRoot(server.port("ca-http"));
            String master = CivicMailServer.ADMIN_USER_LOCAL_PART + "@" + config.domain(AccountClass.OFFICIAL);
            String masterPassword = Files.readString(WebmailMasterUser.secretFile(new DataDirectory(data)),
                StandardCharsets.US_ASCII).trim();
            DeliveryProbe probe = new ImapDeliveryProbe("127.0.0.1", server.port("imaps"), tls, master, masterPassword);
            Map<String, Integer> delivered = new HashMap<>();
            if (s.inbound()) {
                SmtpLoad load = new SmtpLoad(new InetSocketAddress("127.0.0.1", server.port("smtp")), Optional.empty(), mailboxes, s.sizeBytes());
                measure("civicmail inbound", load, probe, mailboxes, delivered, s, connections);
                out.printf("  server%s RSS now %,d MiB, peak %,d MiB%n", s.webmail() ? " + webmail" : "",
                    server.rssKib() / 1024, server.peakRssKib() / 1024);
            }
            if (s.submission()) {
                SmtpLoad load = new SmtpLoad(new InetSocketAddress("127.0.0.1", server.port("submission")),
                    Optional.of(new SmtpLoad.Submission(tls, senders, PASSWORD)), mailboxes, s.sizeBytes());
                measure("civicmail submission (signed)", load, probe, mailboxes, delivered, s, connections);
                out.printf("  server%s RSS now %,d MiB, peak %,d MiB%n", s.webmail() ? " + webmail" : "",
                    server.rssKib() / 1024, server.peakRssKib() / 1024);
            }
            out.printf("RESULT civicmail peak-rss-mib=%d%n", server.peakRssKib() / 1024);
            out.printf("  stop after SIGTERM: %.1f s%n", server.stop());
        }
    }

    private void measure(String name, SmtpLoad load, DeliveryProbe probe, List<String> mailboxes,
                         Map<String, Integer> delivered, Settings s, int connections) throws Exception {
        Map<String, Integer> previous = new HashMap<>(delivered);
        Instant start = Instant.now();
        SmtpLoad.Result result = load.run(connections, s.perConnection(), s.concurrency(), Long.toString(start.toEpochMilli(), 36));
        if (result.failures() > 0) {
            throw new IllegalStateException(name + ": " + result.failures() + " of " + connections + " sessions failed; first: "
                + result.firstFailure().orElse("?"));
        }
        Map<String, Integer> expected = new LinkedHashMap<>();
        int total = connections * s.perConnection();
        for (int i = 0; i < total; i++) {
            expected.merge(SmtpLoad.recipientOf(mailboxes, i), 1, Integer::sum);
        }
        expected.replaceAll((mailbox, count) -> count + previous.getOrDefault(mailbox, 0));
        Instant last = probe.awaitDelivered(previous, expected, DELIVERY_TIMEOUT);
        delivered.putAll(expected);
        double seconds = Math.max(result.seconds(), Duration.between(start, last).toMillis() / 1e3);
        long[] latencies = result.latencyNanos().clone();
        Arrays.sort(latencies);
        double rate = total / seconds;
        out.printf("%s: %,.0f msg/s to the last stored message (%,.1f s; SMTP done after %,.1f s); transaction p50 %.1f ms, p99 %.1f ms%n",
            name, rate, seconds, result.seconds(), percentile(latencies, 50) / 1e6, percentile(latencies, 99) / 1e6);
        out.printf("RESULT %s rate=%.1f p50-ms=%.1f p99-ms=%.1f%n", name.replaceAll("[^a-z]+", "-").replaceAll("-$", ""),
            rate, percentile(latencies, 50) / 1e6, percentile(latencies, 99) / 1e6);
    }

    private static long percentile(long[] sorted, int p) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    /** Citizens and official senders through `account import` over the running server's admin API, as an operator would. */
    private List<String> createAccounts(List<String> mailboxes, int senderCount) throws Exception {
        long t0 = System.nanoTime();
        StringBuilder csv = new StringBuilder("class,address,name,id-number,agency,employee-no,password\n");
        for (int i = 0; i < mailboxes.size(); i++) {
            // Distinct, valid resident ID numbers: Hangzhou's Xihu district, one birth date per mailbox.
            String first17 = "330106" + java.time.LocalDate.of(1950, 1, 1).plusDays(i)
                .format(java.time.format.DateTimeFormatter.BASIC_ISO_DATE) + "001";
            csv.append("citizen,").append(mailboxes.get(i)).append(",市民").append(i).append(',')
                .append(ResidentIdNumber.withCheckCharacter(first17)).append(",,,").append(PASSWORD).append('\n');
        }
        List<String> senders = new ArrayList<>();
        for (int i = 0; i < senderCount; i++) {
            String address = String.format("mf-sender-%02d@%s", i, config.domain(AccountClass.OFFICIAL));
            senders.add(address);
            csv.append("official,").append(address).append(",基准发件人").append(i).append(",,基准测试局,MF-")
                .append(i).append(',').append(PASSWORD).append('\n');
        }
        Path file = data.resolve("mailflow-accounts.csv");
        Files.writeString(file, csv, StandardCharsets.UTF_8);
        AdminClient admin = AdminClient.forRunningServer(new DataDirectory(data))
            .orElseThrow(() -> new IllegalStateException("the benchmark's server wrote no run file under " + data));
        PrintWriter w = new PrintWriter(out, true, StandardCharsets.UTF_8);
        int code = admin.execute(new String[] {"account", "import", file.toString()}, data, w, w);
        if (code != 0) {
            throw new IllegalStateException("account import of the benchmark's mailboxes failed (exit " + code + ")");
        }
        out.printf("created %,d citizen mailboxes and %d official senders in %.1f s%n", mailboxes.size(), senderCount,
            (System.nanoTime() - t0) / 1e9);
        return senders;
    }

    /** TLS that trusts the city root as published on ca-http (what a mail client is told to import). */
    private static SSLContext trustingOurRoot(int caHttpPort) throws Exception {
        HttpResponse<byte[]> root = HttpClient.newHttpClient().send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + caHttpPort + "/ca/root.pem")).build(),
            HttpResponse.BodyHandlers.ofByteArray());
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("city-root", CertificateFactory.getInstance("X.509")
            .generateCertificate(new java.io.ByteArrayInputStream(root.body())));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, tmf.getTrustManagers(), null);
        return tls;
    }

    private static String randomSecret() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}

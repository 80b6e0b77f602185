package org.civicmail.webmail.bench;

import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.internet.MimeMessage;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.civicmail.webmail.WebmailMain;
import org.civicmail.webmail.config.WebmailConfig;
import org.civicmail.webmail.signature.NoRevocationCheck;
import org.civicmail.webmail.web.WebmailServer;

/**
 * Latency of the message list and the message page with N concurrent signed-in users on loopback.
 * GreenMail stands in for the IMAP server; every user has a mailbox of M messages (every tenth S/MIME signed).
 * <pre>java -cp 'webmail/target/classes:webmail/target/lib/*' org.civicmail.webmail.bench.WebmailBenchmark [users] [messages] [rounds] [think-ms]</pre>
 * Each round a user opens a random list page and then a random message from it, pausing {@code think-ms}
 * (uniformly 0..2x, default 0 = closed loop, every user clicking non-stop) before each click.
 * Prints p50/p95/p99 per page type.
 */
public final class WebmailBenchmark {

    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
    private static final Pattern SESSION = Pattern.compile("cm_session=([^;]+)");
    private static final Pattern UID = Pattern.compile("/mail/msg\\?f=INBOX&uid=(\\d+)");

    private WebmailBenchmark() {}

    public static void main(String[] args) throws Exception {
        int users = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        int messages = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 40;
        int thinkMs = args.length > 3 ? Integer.parseInt(args[3]) : 0;
        int warmup = 5;

        System.out.printf("preparing %d users x %d messages...%n", users, messages);
        BenchMessages mail = new BenchMessages();
        List<MimeMessage> mailbox = mail.mailbox(messages);
        GreenMail greenMail = new GreenMail(ServerSetup.dynamicPort(ServerSetupTest.SMTP_IMAP));
        greenMail.start();
        for (int u = 0; u < users; u++) {
            GreenMailUser user = greenMail.setUser(name(u), name(u), "pw" + u);
            for (MimeMessage m : mailbox) {
                user.deliver(m);
            }
        }
        Path dir = Files.createTempDirectory("webmail-bench");
        Path anchor = dir.resolve("root.pem");
        Files.writeString(anchor, "-----BEGIN CERTIFICATE-----\n"
                + java.util.Base64.getMimeEncoder().encodeToString(mail.root.getEncoded()) + "\n-----END CERTIFICATE-----\n");
        Properties p = new Properties();
        p.setProperty(WebmailConfig.HTTP_PORT, "0");
        p.setProperty(WebmailConfig.IMAP_HOST, "127.0.0.1");
        p.setProperty(WebmailConfig.IMAP_PORT, String.valueOf(greenMail.getImap().getPort()));
        p.setProperty(WebmailConfig.IMAP_TLS, "none");
        p.setProperty(WebmailConfig.SUBMISSION_STARTTLS, "false");
        p.setProperty(WebmailConfig.TRUST_ANCHOR, anchor.toString());
        p.setProperty(WebmailConfig.REVOCATION_CHECK, "false");
        WebmailConfig config = WebmailConfig.from(p, System.getenv(), dir);
        WebmailServer server = WebmailMain.create(config, new org.civicmail.verdict.Authorities(List.of(mail.root), List.of()), NoRevocationCheck.INSTANCE, null,
                Clock.systemUTC());
        int port = server.start();
        String base = "http://127.0.0.1:" + port;
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(10)).build();

        List<String> sessions = new ArrayList<>();
        for (int u = 0; u < users; u++) {
            sessions.add(login(http, base, name(u), "pw" + u));
        }
        int pages = (messages + config.pageSize() - 1) / config.pageSize();
        System.out.printf("webmail on %s, %d sessions signed in; %d warm-up + %d measured rounds per user%n",
                base, users, warmup, rounds);

        List<Long> list = Collections.synchronizedList(new ArrayList<>());
        List<Long> page = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(users);
        long start = System.nanoTime();
        List<Future<?>> done = new ArrayList<>();
        for (String session : sessions) {
            done.add(pool.submit(() -> {
                for (int r = 0; r < warmup + rounds; r++) {
                    think(thinkMs);
                    int n = ThreadLocalRandom.current().nextInt(1, pages + 1);
                    long t0 = System.nanoTime();
                    String html = get(http, base + "/mail?f=INBOX&page=" + n, session);
                    long t1 = System.nanoTime();
                    Matcher m = UID.matcher(html);
                    List<String> uids = new ArrayList<>();
                    while (m.find()) {
                        uids.add(m.group(1));
                    }
                    String uid = uids.get(ThreadLocalRandom.current().nextInt(uids.size()));
                    think(thinkMs);
                    long t2 = System.nanoTime();
                    String msg = get(http, base + "/mail/msg?f=INBOX&uid=" + uid, session);
                    long t3 = System.nanoTime();
                    if (!msg.contains("id=\"signature-panel\"")) {
                        throw new IllegalStateException("message page without signature panel");
                    }
                    if (r >= warmup) {
                        list.add(t1 - t0);
                        page.add(t3 - t2);
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        System.out.printf("%n%d concurrent users, %d messages per mailbox, think time %d ms, %d requests in %.1f s (%.0f req/s)%n",
                users, messages, thinkMs, 2L * users * (warmup + rounds), seconds, 2.0 * users * (warmup + rounds) / seconds);
        report("message list", list);
        report("message page", page);
        server.stop();
        greenMail.stop();
        System.exit(0);
    }

    private static void think(int thinkMs) throws InterruptedException {
        if (thinkMs > 0) {
            Thread.sleep(ThreadLocalRandom.current().nextInt(2 * thinkMs + 1));
        }
    }

    private static String name(int u) {
        return "user" + u + "@bench.test";
    }

    private static void report(String what, List<Long> nanos) {
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        System.out.printf("%-13s n=%5d  p50=%6.1f ms  p95=%6.1f ms  p99=%6.1f ms  max=%6.1f ms%n", what, sorted.size(),
                pct(sorted, 50), pct(sorted, 95), pct(sorted, 99), sorted.get(sorted.size() - 1) / 1e6);
    }

    private static double pct(List<Long> sorted, int p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, i)) / 1e6;
    }

    private static String login(HttpClient http, String base, String user, String password) throws Exception {
        HttpResponse<String> form = http.send(HttpRequest.newBuilder(URI.create(base + "/login")).build(),
                HttpResponse.BodyHandlers.ofString());
        // Before login the webmail keeps no session, only a pre-login CSRF cookie: send back what it set.
        String anon = form.headers().allValues("Set-Cookie").stream().map(c -> c.split(";", 2)[0])
                .collect(java.util.stream.Collectors.joining("; "));
        Matcher m = CSRF.matcher(form.body());
        if (!m.find()) {
            throw new IllegalStateException("login page has no CSRF token");
        }
        String body = "csrf=" + enc(m.group(1)) + "&user=" + enc(user) + "&password=" + enc(password);
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/login"))
                .header("Cookie", anon).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 303) {
            throw new IllegalStateException("login of " + user + " failed: HTTP " + r.statusCode());
        }
        return cookie(r);
    }

    private static String cookie(HttpResponse<?> r) {
        for (String c : r.headers().allValues("Set-Cookie")) {
            Matcher m = SESSION.matcher(c);
            if (m.find()) {
                return m.group(1);
            }
        }
        throw new IllegalStateException("no session cookie");
    }

    private static String get(HttpClient http, String url, String session) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).header("Cookie", "cm_session=" + session)
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException(url + ": HTTP " + r.statusCode());
            }
            return r.body();
        } catch (Exception e) {
            throw new IllegalStateException(url + ": " + e.getMessage(), e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}

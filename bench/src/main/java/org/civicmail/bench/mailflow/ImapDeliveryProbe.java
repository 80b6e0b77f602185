package org.civicmail.bench.mailflow;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * Over IMAPS for each mailbox: EXAMINE INBOX until it holds the expected count, then the newest INTERNALDATE of the
 * new messages (James sets it when it stores the message). INTERNALDATE has whole seconds, so the time is rounded up
 * to the next second: the probe never makes delivery look faster than it was.
 *
 * <p>It signs in as the webmail's master user acting for each mailbox (AUTHENTICATE PLAIN with the mailbox as the
 * authorization id), not as each owner: the probe runs while the server is still delivering, and a first login per
 * mailbox is one PBKDF2 password check each (1,000 of them, about 16 % of the server's CPU in the inbound phase of the
 * JFR), work that Postfix's probe (reading Maildirs) does not cause. The master's password is checked once and then
 * remembered by the server for a few minutes, so the probe no longer loads what it measures.
 */
final class ImapDeliveryProbe implements DeliveryProbe {
    private static final Pattern EXISTS = Pattern.compile("^\\* (\\d+) EXISTS", Pattern.CASE_INSENSITIVE);
    private static final Pattern INTERNALDATE = Pattern.compile("INTERNALDATE \"([^\"]+)\"", Pattern.CASE_INSENSITIVE);
    /** IMAP sessions of the probe at a time. */
    private static final int PROBES = 4;
    private static final DateTimeFormatter IMAP_DATE = DateTimeFormatter.ofPattern("d-MMM-yyyy HH:mm:ss Z", Locale.ROOT);

    private final String host;
    private final int port;
    private final SSLContext tls;
    private final String master;
    private final String masterPassword;

    ImapDeliveryProbe(String host, int port, SSLContext tls, String master, String masterPassword) {
        this.host = host;
        this.port = port;
        this.tls = tls;
        this.master = master;
        this.masterPassword = masterPassword;
    }

    @Override
    public Instant awaitDelivered(Map<String, Integer> previous, Map<String, Integer> expected, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(PROBES);
        try {
            // First only the mailboxes the load reached last (the map is in the order the load first reached them,
            // and the load goes round them in that order), then every mailbox. While the server is still delivering,
            // PROBES sessions poll instead of a TLS handshake, login and EXAMINE per mailbox (1,000 of them cost the
            // server ~20 % of its CPU during delivery, JFR, README): the probe must not load what it measures. What
            // is reported does not change: the newest INTERNALDATE of all mailboxes, each checked complete.
            List<String> order = new ArrayList<>(expected.keySet());
            List<String> last = order.subList(Math.max(0, order.size() - PROBES), order.size());
            Instant newest = newest(pool, last, previous, expected, deadline);
            Instant all = newest(pool, order.subList(0, order.size() - last.size()), previous, expected, deadline);
            return (all.isAfter(newest) ? all : newest).plusSeconds(1);
        } finally {
            pool.shutdownNow();
        }
    }

    private Instant newest(ExecutorService pool, List<String> mailboxes, Map<String, Integer> previous, Map<String, Integer> expected,
                           long deadline) throws Exception {
        List<Future<Instant>> newest = new ArrayList<>();
        for (String mailbox : mailboxes) {
            newest.add(pool.submit(() -> newestStored(mailbox, previous.getOrDefault(mailbox, 0), expected.get(mailbox), deadline)));
        }
        Instant last = Instant.EPOCH;
        for (Future<Instant> f : newest) {
            Instant t = f.get();
            if (t.isAfter(last)) {
                last = t;
            }
        }
        return last;
    }

    private Instant newestStored(String user, int previous, int expected, long deadline) throws Exception {
        try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket(host, port)) {
            socket.setSoTimeout(60_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            OutputStream out = socket.getOutputStream();
            in.readLine();
            authenticateFor(in, out, user);
            // EXAMINE, not SELECT: a read-write SELECT clears \Recent, and each such flag change made the server
            // update its search index for every message of the mailbox while it was still delivering (JFR of the
            // inbound run: ~8 % of the server's CPU in that update). The probe must not load what it measures.
            int exists = exists(run(in, out, "a2 EXAMINE INBOX"), 0);
            int n = 3;
            while (exists < expected) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(user + " holds " + exists + " of " + expected + " messages at the deadline");
                }
                Thread.sleep(100);
                exists = exists(run(in, out, "a" + n++ + " NOOP"), exists);
            }
            if (exists > expected) {
                throw new IllegalStateException(user + " holds " + exists + " messages, more than the " + expected + " sent");
            }
            Instant newest = Instant.EPOCH;
            for (String line : run(in, out, "a" + n++ + " FETCH " + (previous + 1) + ":* (INTERNALDATE)")) {
                Matcher m = INTERNALDATE.matcher(line);
                if (m.find()) {
                    Instant t = ZonedDateTime.parse(m.group(1).trim(), IMAP_DATE).toInstant();
                    if (t.isAfter(newest)) {
                        newest = t;
                    }
                }
            }
            // LOGOUT without waiting for its reply: some servers close right after the BYE.
            out.write(("a" + n + " LOGOUT\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return newest;
        }
    }

    /** AUTHENTICATE PLAIN as the master user with {@code user} as the authorization id (RFC 4616). */
    private void authenticateFor(BufferedReader in, OutputStream out, String user) throws IOException {
        out.write("a1 AUTHENTICATE PLAIN\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String go = in.readLine();
        if (go == null || !go.startsWith("+")) {
            throw new IOException("AUTHENTICATE PLAIN: " + go);
        }
        String plain = user + "\0" + master + "\0" + masterPassword;
        out.write((Base64.getEncoder().encodeToString(plain.getBytes(StandardCharsets.UTF_8)) + "\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String line;
        while ((line = in.readLine()) != null) {
            if (line.startsWith("a1 ")) {
                if (!line.startsWith("a1 OK")) {
                    throw new IOException("AUTHENTICATE PLAIN for " + user + " as " + master + ": " + line);
                }
                return;
            }
        }
        throw new IOException("IMAP connection closed during AUTHENTICATE");
    }

    private static int exists(List<String> lines, int current) {
        int exists = current;
        for (String line : lines) {
            Matcher m = EXISTS.matcher(line);
            if (m.find()) {
                exists = Integer.parseInt(m.group(1));
            }
        }
        return exists;
    }

    /** Sends one tagged command; returns its untagged lines; throws unless it ends in OK. */
    private static List<String> run(BufferedReader in, OutputStream out, String command) throws IOException {
        String tag = command.substring(0, command.indexOf(' '));
        out.write((command + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        List<String> lines = new ArrayList<>();
        String line;
        while ((line = in.readLine()) != null) {
            if (line.startsWith(tag + " ")) {
                if (!line.startsWith(tag + " OK")) {
                    throw new IOException(command + ": " + line);
                }
                return lines;
            }
            lines.add(line);
        }
        throw new IOException("IMAP connection closed during " + tag);
    }
}

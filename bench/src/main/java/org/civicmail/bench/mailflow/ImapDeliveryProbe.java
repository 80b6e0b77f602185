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
 * Over IMAPS as each mailbox's owner: EXAMINE INBOX until it holds the expected count, then the newest INTERNALDATE
 * of the new messages (James sets it when it stores the message). INTERNALDATE has whole seconds, so the time is
 * rounded up to the next second: the probe never makes delivery look faster than it was.
 */
final class ImapDeliveryProbe implements DeliveryProbe {
    private static final Pattern EXISTS = Pattern.compile("^\\* (\\d+) EXISTS", Pattern.CASE_INSENSITIVE);
    private static final Pattern INTERNALDATE = Pattern.compile("INTERNALDATE \"([^\"]+)\"", Pattern.CASE_INSENSITIVE);
    private static final DateTimeFormatter IMAP_DATE = DateTimeFormatter.ofPattern("d-MMM-yyyy HH:mm:ss Z", Locale.ROOT);

    private final String host;
    private final int port;
    private final SSLContext tls;
    private final String password;

    ImapDeliveryProbe(String host, int port, SSLContext tls, String password) {
        this.host = host;
        this.port = port;
        this.tls = tls;
        this.password = password;
    }

    @Override
    public Instant awaitDelivered(Map<String, Integer> previous, Map<String, Integer> expected, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Instant>> newest = new ArrayList<>();
            for (Map.Entry<String, Integer> e : expected.entrySet()) {
                newest.add(pool.submit(() -> newestStored(e.getKey(), previous.getOrDefault(e.getKey(), 0), e.getValue(), deadline)));
            }
            Instant last = Instant.EPOCH;
            for (Future<Instant> f : newest) {
                Instant t = f.get();
                if (t.isAfter(last)) {
                    last = t;
                }
            }
            return last.plusSeconds(1);
        } finally {
            pool.shutdownNow();
        }
    }

    private Instant newestStored(String user, int previous, int expected, long deadline) throws Exception {
        try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket(host, port)) {
            socket.setSoTimeout(60_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            OutputStream out = socket.getOutputStream();
            in.readLine();
            run(in, out, "a1 LOGIN \"" + user + "\" \"" + password + "\"");
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
                    String shown = command.contains("LOGIN") ? tag + " LOGIN …" : command;
                    throw new IOException(shown + ": " + line);
                }
                return lines;
            }
            lines.add(line);
        }
        throw new IOException("IMAP connection closed during " + tag);
    }
}

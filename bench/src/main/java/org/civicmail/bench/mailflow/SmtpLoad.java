package org.civicmail.bench.mailflow;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * The peer workload of Postfix's {@code smtp-source}: {@code connections} SMTP sessions of {@code perConnection}
 * messages each, {@code concurrency} sessions at a time, each message of about {@code sizeBytes} to the next
 * mailbox in turn. Plain (the inbound port, as another mail server delivers) or submission (STARTTLS, AUTH PLAIN
 * as one of the senders, From = the sender, so the server signs). One SMTP transaction's latency is MAIL FROM up to
 * the 250 after the message's final dot: the time a sender waits for the server to take responsibility.
 */
final class SmtpLoad {
    /** How a session authenticates: not at all, or STARTTLS + AUTH PLAIN as one of the senders (round robin). */
    record Submission(SSLContext tls, List<String> senders, String password) {
    }

    record Result(long startNanos, long endNanos, long[] latencyNanos, int failures, Optional<String> firstFailure) {
        double seconds() {
            return (endNanos - startNanos) / 1e9;
        }
    }

    private final InetSocketAddress server;
    private final Optional<Submission> submission;
    private final List<String> recipients;
    private final byte[] body;

    SmtpLoad(InetSocketAddress server, Optional<Submission> submission, List<String> recipients, int sizeBytes) {
        this.server = server;
        this.submission = submission;
        this.recipients = List.copyOf(recipients);
        this.body = body(sizeBytes);
    }

    /** Message {@code i} of the run goes to recipient {@code i mod N}, so each mailbox gets its share exactly. */
    static String recipientOf(List<String> recipients, int messageIndex) {
        return recipients.get(messageIndex % recipients.size());
    }

    Result run(int connections, int perConnection, int concurrency, String runId) throws Exception {
        long[] latencies = new long[connections * perConnection];
        AtomicInteger nextConnection = new AtomicInteger();
        AtomicInteger failures = new AtomicInteger();
        List<String> firstFailure = java.util.Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(concurrency, r -> {
            Thread t = new Thread(r, "mailflow-client");
            t.setDaemon(true);
            return t;
        });
        long start = System.nanoTime();
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < concurrency; w++) {
                workers.add(pool.submit(() -> {
                    int c;
                    while ((c = nextConnection.getAndIncrement()) < connections) {
                        try {
                            session(c, perConnection, latencies, runId);
                        } catch (IOException | RuntimeException e) {
                            failures.incrementAndGet();
                            if (firstFailure.isEmpty()) {
                                firstFailure.add("connection " + c + ": " + e.getMessage());
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : workers) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        long end = System.nanoTime();
        return new Result(start, end, latencies, failures.get(), firstFailure.stream().findFirst());
    }

    private void session(int connection, int perConnection, long[] latencies, String runId) throws IOException {
        try (Socket plain = new Socket()) {
            // Without it Nagle's algorithm holds the final "." behind the body until the server's delayed ACK:
            // 40 ms per message, which capped every peer at concurrency / 40 ms.
            plain.setTcpNoDelay(true);
            plain.connect(server, 10_000);
            plain.setSoTimeout(120_000);
            Socket socket = plain;
            Dialog d = new Dialog(socket);
            d.expect(220);
            d.command("EHLO bench.example", 250);
            String sender = "bench@peer.example";
            if (submission.isPresent()) {
                Submission s = submission.get();
                d.command("STARTTLS", 220);
                SSLSocket tls = (SSLSocket) s.tls().getSocketFactory().createSocket(plain, server.getHostString(), server.getPort(), false);
                tls.startHandshake();
                socket = tls;
                d = new Dialog(socket);
                d.command("EHLO bench.example", 250);
                sender = s.senders().get(connection % s.senders().size());
                String plainAuth = Base64.getEncoder().encodeToString(("\0" + sender + "\0" + s.password()).getBytes(StandardCharsets.UTF_8));
                d.command("AUTH PLAIN " + plainAuth, 235);
            }
            for (int m = 0; m < perConnection; m++) {
                int index = connection * perConnection + m;
                String to = recipientOf(recipients, index);
                long t0 = System.nanoTime();
                d.command("MAIL FROM:<" + sender + ">", 250);
                d.command("RCPT TO:<" + to + ">", 250);
                d.command("DATA", 354);
                d.write(("From: <" + sender + ">\r\nTo: <" + to + ">\r\nSubject: mailflow " + runId + " " + index
                    + "\r\nMessage-ID: <mailflow-" + runId + "-" + index + "@bench.example>\r\nDate: "
                    + java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(java.time.ZonedDateTime.now())
                    + "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                d.write(body);
                d.command(".", 250);
                latencies[index] = System.nanoTime() - t0;
            }
            d.command("QUIT", 221);
        }
    }

    /** Lines of 76 printable characters, like the filler text smtp-source sends. */
    private static byte[] body(int sizeBytes) {
        StringBuilder b = new StringBuilder(sizeBytes + 80);
        String line = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ abcdefghijklm\r\n";
        while (b.length() < sizeBytes) {
            b.append(line);
        }
        return b.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** One command, one (possibly multi-line) reply with the expected code, or an exception naming both. */
    private static final class Dialog {
        private final BufferedReader in;
        private final OutputStream out;

        Dialog(Socket socket) throws IOException {
            this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            this.out = socket.getOutputStream();
        }

        void write(byte[] bytes) throws IOException {
            out.write(bytes);
        }

        void command(String line, int expected) throws IOException {
            out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            try {
                expect(expected);
            } catch (IOException e) {
                String shown = line.startsWith("AUTH") ? "AUTH PLAIN …" : line;
                throw new IOException(shown + ": " + e.getMessage(), e);
            }
        }

        void expect(int expected) throws IOException {
            String reply;
            do {
                reply = in.readLine();
                if (reply == null) {
                    throw new IOException("connection closed, expected " + expected);
                }
            } while (reply.length() > 3 && reply.charAt(3) == '-');
            if (!reply.startsWith(String.valueOf(expected))) {
                throw new IOException("expected " + expected + ", got: " + reply);
            }
        }
    }
}

package org.civicmail.bench.imap;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.SSLSocketFactory;

/**
 * One IMAP connection of the load generator, over TLS (implicit, {@code imaps}) or plain. Reads responses with
 * their literals (a literal's bytes are folded into its line as text), so FETCH of headers and bodies parses.
 * Keeps the session's view of the selected folder's size from the untagged EXISTS / EXPUNGE it is sent, which is
 * what the consistency checks compare with what the server answers.
 */
final class ImapSession implements AutoCloseable {
    private static final Pattern LITERAL = Pattern.compile("\\{(\\d+)\\+?}$");
    private static final Pattern EXISTS = Pattern.compile("^\\* (\\d+) EXISTS$", Pattern.CASE_INSENSITIVE);
    private static final Pattern EXPUNGE = Pattern.compile("^\\* (\\d+) EXPUNGE$", Pattern.CASE_INSENSITIVE);
    private static final Pattern VANISHED = Pattern.compile("^\\* VANISHED", Pattern.CASE_INSENSITIVE);

    /** A whole answer: untagged lines (literals folded in) and the tagged status line. */
    /**
     * A command's answer; {@code clientWaitNanos} is time the client itself chose to wait inside the command (IDLE's
     * window), which is not the server's latency.
     */
    record Response(List<String> untagged, String tagged, long clientWaitNanos) {
        Response(List<String> untagged, String tagged) {
            this(untagged, tagged, 0);
        }

        boolean ok() {
            return status().equals("OK");
        }

        /** OK, NO or BAD. */
        String status() {
            String[] parts = tagged.split(" ", 3);
            return parts.length > 1 ? parts[1].toUpperCase(java.util.Locale.ROOT) : "?";
        }

        /** The first number captured by {@code regex} in the tagged or untagged lines, or -1. */
        long number(Pattern regex) {
            for (String line : all()) {
                Matcher m = regex.matcher(line);
                if (m.find()) {
                    return Long.parseLong(m.group(1));
                }
            }
            return -1;
        }

        List<String> all() {
            List<String> all = new ArrayList<>(untagged);
            all.add(tagged);
            return all;
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private int tag;
    /** The command word of the last tag sent, for the report of an answer that never came. */
    private final java.util.Map<String, String> sent = new java.util.HashMap<>();
    /** Messages in the selected folder as this session has been told (-1: none selected). */
    private long exists = -1;

    private ImapSession(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(60_000);
        socket.setTcpNoDelay(true);
        in = new BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
        String greeting = readLine();
        if (!greeting.startsWith("* OK")) {
            throw new IOException("IMAP greeting is not OK: " + greeting);
        }
    }

    /** Connects to {@code address}: implicit TLS through {@code tls}, or plain when {@code tls} is null. */
    static ImapSession connect(InetSocketAddress address, SSLSocketFactory tls) throws IOException {
        Socket socket = tls != null ? tls.createSocket() : new Socket();
        socket.connect(address, 10_000);
        return new ImapSession(socket);
    }

    Response login(String user, String password) throws IOException {
        return command("LOGIN " + quoted(user) + " " + quoted(password));
    }

    /** Sends one command and reads its whole answer, updating the session's view from untagged EXISTS/EXPUNGE. */
    Response command(String command) throws IOException {
        String t = nextTag();
        sending(t, command);
        write(t + " " + command + "\r\n");
        return readAnswer(t);
    }

    /** APPEND with a synchronising literal; a refusal instead of the continuation is returned as the answer. */
    Response append(String folder, String flags, byte[] message) throws IOException {
        String t = nextTag();
        sending(t, "APPEND");
        write(t + " APPEND " + quoted(folder) + (flags.isEmpty() ? "" : " (" + flags + ")") + " {" + message.length + "}\r\n");
        List<String> untagged = new ArrayList<>();
        while (true) {
            String l = readLine();
            if (l.startsWith("+")) {
                break;
            }
            if (l.startsWith(t + " ")) {
                return new Response(untagged, l);
            }
            untagged.add(l);
            track(l);
        }
        out.write(message);
        write("\r\n");
        Response r = readAnswer(t);
        untagged.addAll(r.untagged());
        return new Response(untagged, r.tagged());
    }

    /** IDLE for at most {@code millis}: returns what the server pushed meanwhile, then the DONE answer. */
    Response idle(int millis) throws IOException {
        String t = nextTag();
        sending(t, "IDLE");
        write(t + " IDLE\r\n");
        List<String> pushed = new ArrayList<>();
        String l;
        while (!(l = readLine()).startsWith("+")) {
            if (l.startsWith(t + " ")) {
                return new Response(pushed, l);
            }
            pushed.add(l);
            track(l);
        }
        long idling = System.nanoTime();
        long deadline = idling + millis * 1_000_000L;
        try {
            while (System.nanoTime() < deadline) {
                socket.setSoTimeout((int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                try {
                    l = readLine();
                    pushed.add(l);
                    track(l);
                } catch (SocketTimeoutException e) {
                    break; // nothing more within the time; the partial line stays in the buffer
                }
            }
        } finally {
            socket.setSoTimeout(60_000);
        }
        long waited = System.nanoTime() - idling;
        write("DONE\r\n");
        Response r = readAnswer(t);
        pushed.addAll(r.untagged());
        return new Response(pushed, r.tagged(), waited);
    }

    /** Messages in the selected folder as far as this session has been told. */
    long exists() {
        return exists;
    }

    /** Forgets the view (after SELECT failed or the folder was closed). */
    void unselected() {
        exists = -1;
    }

    private Response readAnswer(String t) throws IOException {
        List<String> untagged = new ArrayList<>();
        while (true) {
            String l;
            try {
                l = readLine();
            } catch (SocketTimeoutException e) {
                // Which command got no answer is what a report of a lost answer needs.
                throw new SocketTimeoutException(e.getMessage() + " waiting for the answer to " + t + " " + sent.get(t)
                    + " after " + untagged.size() + " untagged lines");
            }
            if (l.startsWith(t + " ")) {
                return new Response(untagged, l);
            }
            untagged.add(l);
            track(l);
        }
    }

    private void track(String untagged) {
        Matcher m = EXISTS.matcher(untagged);
        if (m.find()) {
            exists = Long.parseLong(m.group(1));
        } else if (EXPUNGE.matcher(untagged).find() && exists > 0) {
            exists--;
        } else if (VANISHED.matcher(untagged).find()) {
            throw new IllegalStateException("VANISHED without QRESYNC enabled: " + untagged);
        }
    }

    private String nextTag() {
        return "w" + (++tag);
    }

    /** Remembers the command word of a tag (not its arguments: LOGIN's carry the password). */
    private void sending(String t, String command) {
        sent.clear();
        sent.put(t, command.split(" ", 2)[0]);
    }

    private void write(String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** One logical line: a physical line plus, for each literal it announces, the literal's bytes and what follows. */
    private String readLine() throws IOException {
        StringBuilder logical = new StringBuilder(readPhysicalLine());
        Matcher m;
        while ((m = LITERAL.matcher(logical)).find()) {
            int size = Integer.parseInt(m.group(1));
            byte[] literal = in.readNBytes(size);
            if (literal.length < size) {
                throw new IOException("connection closed inside a literal of " + size + " bytes");
            }
            logical.append("\r\n").append(new String(literal, StandardCharsets.UTF_8)).append(readPhysicalLine());
        }
        return logical.toString();
    }

    /** Bytes of the line being read are kept across a read timeout (IDLE), so nothing is lost. */
    private String readPhysicalLine() throws IOException {
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                line.reset();
                int n = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, n, StandardCharsets.UTF_8);
            }
            line.write(b);
        }
        throw new IOException("connection closed by the server; line so far: " + line.toString(StandardCharsets.UTF_8));
    }

    static String quoted(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    @Override
    public void close() {
        try {
            write("z LOGOUT\r\n");
        } catch (IOException ignored) {
            // closing anyway
        }
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing left to release
        }
    }
}

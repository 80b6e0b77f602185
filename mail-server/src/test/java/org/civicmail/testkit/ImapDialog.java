package org.civicmail.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.SSLSocketFactory;

import com.sun.mail.imap.protocol.BASE64MailboxEncoder;

/**
 * A scripted IMAP conversation over TLS: {@code command("UID SEARCH ALL")} returns every line up to and including
 * the tagged reply; {@link #idle()} / {@link #awaitLine} / {@link #done()} hold an IDLE open and read what the server
 * pushes. Responses are read as lines (no literals are expected in the commands the tests use).
 */
public final class ImapDialog implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final List<String> pushed = new ArrayList<>();
    private int tag;
    private String idleTag;

    public ImapDialog(SSLSocketFactory tls, int port) throws IOException {
        socket = tls.createSocket("127.0.0.1", port);
        socket.setSoTimeout(30_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
        readLine(); // greeting
    }

    public static ImapDialog login(SSLSocketFactory tls, int port, String user, String password) throws IOException {
        ImapDialog d = new ImapDialog(tls, port);
        String reply = d.tagged(d.command("LOGIN \"" + user + "\" \"" + password + "\""));
        if (!reply.contains(" OK")) {
            throw new IOException("LOGIN as " + user + " refused: " + reply);
        }
        return d;
    }

    /** A folder name as IMAP sends it (modified UTF-7, quoted). */
    public static String folder(String name) {
        return "\"" + BASE64MailboxEncoder.encode(name) + "\"";
    }

    /** Sends one command; returns every line of the answer, the tagged one last. */
    public List<String> command(String command) throws IOException {
        String t = "a" + (++tag);
        write(t + " " + command + "\r\n");
        return readUntilTagged(t);
    }

    /**
     * Sends one command; returns the answer exactly as it came over the wire (lines joined by CRLF, literals
     * included byte for byte, decoded as UTF-8), the tagged line last. For FETCH of body sections.
     */
    public String wire(String command) throws IOException {
        String t = "a" + (++tag);
        write(t + " " + command + "\r\n");
        StringBuilder answer = new StringBuilder();
        String line;
        do {
            line = readLine();
            answer.append(line).append("\r\n");
            Matcher literal = LITERAL.matcher(line);
            while (literal.find()) {
                answer.append(new String(in.readNBytes(Integer.parseInt(literal.group(1))), StandardCharsets.UTF_8));
                line = readLine();
                answer.append(line).append("\r\n");
                literal = LITERAL.matcher(line);
            }
        } while (!line.startsWith(t + " "));
        return answer.toString();
    }

    private static final Pattern LITERAL = Pattern.compile("\\{(\\d+)\\}$");

    /** APPENDs a message (synchronising literal); returns the answer. */
    public List<String> append(String folder, byte[] message) throws IOException {
        String t = "a" + (++tag);
        write(t + " APPEND " + folder + " {" + message.length + "}\r\n");
        String go = readLine();
        if (!go.startsWith("+")) {
            List<String> refused = new ArrayList<>(List.of(go));
            if (!go.startsWith(t + " ")) {
                refused.addAll(readUntilTagged(t));
            }
            return refused;
        }
        out.write(message);
        write("\r\n");
        return readUntilTagged(t);
    }

    /** The number of the last tag sent: commands are tagged a1, a2, ... */
    public int lastTag() {
        return tag;
    }

    /** The tagged (last) line of an answer. */
    public String tagged(List<String> answer) {
        return answer.get(answer.size() - 1);
    }

    /** Starts IDLE; returns once the server has accepted it ("+ idling"). */
    public void idle() throws IOException {
        idleTag = "a" + (++tag);
        write(idleTag + " IDLE\r\n");
        String line;
        while (!(line = readLine()).startsWith("+")) {
            pushed.add(line);
        }
    }

    /**
     * Waits (reading the socket, at most {@code timeout}) until the server has pushed a line matching {@code wanted};
     * returns it. Lines pushed before count too.
     */
    public String awaitLine(Predicate<String> wanted, Duration timeout) throws IOException {
        for (String line : pushed) {
            if (wanted.test(line)) {
                return line;
            }
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            socket.setSoTimeout((int) Math.max(1, Math.min(1000, (deadline - System.nanoTime()) / 1_000_000)));
            try {
                String line = readLine();
                pushed.add(line);
                if (wanted.test(line)) {
                    return line;
                }
            } catch (SocketTimeoutException e) {
                // keep reading until the deadline
            } finally {
                socket.setSoTimeout(30_000);
            }
        }
        throw new AssertionError("no line as expected within " + timeout + "; pushed: " + pushed);
    }

    /** The lines the server pushed while IDLE was waited on, in order. */
    public List<String> pushed() {
        return List.copyOf(pushed);
    }

    /** Ends IDLE; returns the lines up to the tagged OK. */
    public List<String> done() throws IOException {
        write("DONE\r\n");
        List<String> lines = readUntilTagged(idleTag);
        idleTag = null;
        return lines;
    }

    private List<String> readUntilTagged(String t) throws IOException {
        List<String> lines = new ArrayList<>();
        String line;
        do {
            line = readLine();
            lines.add(line);
        } while (!line.startsWith(t + " "));
        return lines;
    }

    private void write(String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Bytes of the line being read: kept across a read timeout, so nothing is lost. */
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    private String readLine() throws IOException {
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
        throw new IOException("connection closed; line so far: " + line.toString(StandardCharsets.UTF_8));
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}

package org.civicmail.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A scripted SMTP conversation: {@code send("MAIL FROM:<x>")} returns the server's full reply. */
public final class SmtpDialog implements AutoCloseable {
    private final Socket socket;
    private final BufferedReader in;
    private final OutputStream out;
    private final String greeting;

    public SmtpDialog(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(30_000);
        in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        out = socket.getOutputStream();
        greeting = readReply();
    }

    public String greeting() {
        return greeting;
    }

    public String send(String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        return readReply();
    }

    /** Sends DATA, the message text (dot-stuffed by the caller if needed) and the final dot. */
    public String data(String message) throws IOException {
        String go = send("DATA");
        if (!go.startsWith("354")) {
            return go;
        }
        String crlf = message.replace("\r\n", "\n").replace("\n", "\r\n");
        String stuffed = (crlf.startsWith(".") ? "." : "") + crlf.replace("\r\n.", "\r\n..");
        return send(stuffed + (stuffed.endsWith("\r\n") ? "" : "\r\n") + ".");
    }

    private String readReply() throws IOException {
        StringBuilder reply = new StringBuilder();
        String line;
        do {
            line = in.readLine();
            if (line == null) {
                throw new IOException("connection closed; reply so far: " + reply);
            }
            reply.append(line).append('\n');
        } while (line.length() > 3 && line.charAt(3) == '-');
        return reply.toString().trim();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}

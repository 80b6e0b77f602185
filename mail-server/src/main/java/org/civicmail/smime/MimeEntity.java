package org.civicmail.smime;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import javax.mail.MessagingException;

/**
 * A MIME entity as the signer handles it: its header lines exactly as written (folding kept, one string per field,
 * bytes as ISO-8859-1 chars so that nothing is lost) and its body bytes. Immutable.
 */
record MimeEntity(List<String> headerLines, byte[] body) {
    private static final byte[] CRLF = {'\r', '\n'};

    MimeEntity {
        headerLines = List.copyOf(headerLines);
    }

    /** Splits a message or body part at its first empty line. */
    static MimeEntity parse(byte[] bytes) throws MessagingException {
        int bodyStart = bodyStart(bytes);
        return new MimeEntity(headerLines(new String(bytes, 0, bodyStart, StandardCharsets.ISO_8859_1)),
            java.util.Arrays.copyOfRange(bytes, bodyStart, bytes.length));
    }

    /** One string per field; a continuation line (starting with space or tab) stays with its field, CRLF-joined. */
    private static List<String> headerLines(String section) throws MessagingException {
        List<String> lines = new ArrayList<>();
        for (String line : section.split("\r?\n")) {
            if (line.isEmpty()) {
                continue;
            }
            if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                if (lines.isEmpty()) {
                    throw new MessagingException("the header section starts with a continuation line: " + line.strip());
                }
                lines.set(lines.size() - 1, lines.get(lines.size() - 1) + "\r\n" + line);
            } else {
                lines.add(line);
            }
        }
        return lines;
    }

    /** Offset of the body: after the first CRLF CRLF (or LF LF), or the end when there is no empty line. */
    private static int bodyStart(byte[] b) {
        if (b.length > 0 && b[0] == '\n') {
            return 1;
        }
        if (b.length > 1 && b[0] == '\r' && b[1] == '\n') {
            return 2;
        }
        for (int i = 0; i < b.length - 1; i++) {
            if (b[i] == '\n') {
                if (b[i + 1] == '\n') {
                    return i + 2;
                }
                if (b[i + 1] == '\r' && i + 2 < b.length && b[i + 2] == '\n') {
                    return i + 3;
                }
            }
        }
        return b.length;
    }

    /** The field name of a header line ("Content-Type" for "Content-Type: text/plain"), lower case. */
    static String name(String headerLine) {
        int colon = headerLine.indexOf(':');
        return (colon < 0 ? headerLine : headerLine.substring(0, colon)).trim().toLowerCase(Locale.ROOT);
    }

    /** The unfolded value of a header line. */
    static String value(String headerLine) {
        int colon = headerLine.indexOf(':');
        return colon < 0 ? "" : headerLine.substring(colon + 1).replaceAll("\r?\n", "").trim();
    }

    /** The unfolded value of the first field with this name, or null. */
    String header(String name) {
        for (String line : headerLines) {
            if (name(line).equals(name.toLowerCase(Locale.ROOT))) {
                return value(line);
            }
        }
        return null;
    }

    /** The header lines whose names start with {@code content-} (the MIME fields that describe the body). */
    List<String> contentLines() {
        return headerLines.stream().filter(l -> name(l).startsWith("content-")).toList();
    }

    /** The same entity with every field of this name removed and {@code line} (if not null) added in place of the first. */
    MimeEntity withHeader(String name, String line) {
        List<String> out = new ArrayList<>(headerLines.size() + 1);
        boolean placed = false;
        for (String l : headerLines) {
            if (name(l).equals(name.toLowerCase(Locale.ROOT))) {
                if (!placed && line != null) {
                    out.add(line);
                }
                placed = true;
            } else {
                out.add(l);
            }
        }
        if (!placed && line != null) {
            out.add(line);
        }
        return new MimeEntity(out, body);
    }

    MimeEntity withBody(byte[] newBody) {
        return new MimeEntity(headerLines, newBody);
    }

    /** Header section, empty line, body. */
    byte[] bytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 64 * headerLines.size() + 2);
        for (String line : headerLines) {
            out.writeBytes(line.getBytes(StandardCharsets.ISO_8859_1));
            out.writeBytes(CRLF);
        }
        out.writeBytes(CRLF);
        out.writeBytes(body);
        return out.toByteArray();
    }
}

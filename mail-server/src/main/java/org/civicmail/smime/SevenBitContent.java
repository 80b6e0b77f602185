package org.civicmail.smime;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import javax.mail.MessagingException;
import javax.mail.internet.ContentType;
import javax.mail.internet.MimeUtility;
import javax.mail.internet.ParseException;

/**
 * Turns a MIME entity into a form that survives any relay unchanged (RFC 8551 section 3.1.2: signed content must
 * be 7-bit) without changing what any part decodes to. A part already 7-bit safe is left byte for byte as the
 * sender wrote it; any other leaf is decoded and re-encoded (text as quoted-printable or base64, whichever is
 * shorter; everything else as base64), and its Content-Transfer-Encoding says so. A {@code message/rfc822} part
 * keeps an encoding RFC 2046 permits (7bit, or 8bit when its own header section is 8-bit): the parts inside the
 * forwarded message are converted instead. Multipart preambles, epilogues and untouched parts keep their bytes.
 * Stateless.
 */
final class SevenBitContent {
    /** RFC 5322 section 2.1.1: no line longer than 998 octets (without CRLF). */
    private static final int MAX_LINE = 998;

    private SevenBitContent() {
    }

    /** Thrown when a part that must be re-encoded cannot be decoded (an encoding nobody knows). */
    static final class UnconvertiblePartException extends MessagingException {
        UnconvertiblePartException(String message) {
            super(message);
        }
    }

    /** The entity in 7-bit form; {@code entity} itself when nothing had to change. */
    static MimeEntity convert(MimeEntity entity) throws MessagingException, IOException {
        ContentType type = contentType(entity);
        String encoding = encoding(entity);
        if (type.match("multipart/*")) {
            return multipart(entity, type, encoding);
        }
        if (type.match("message/rfc822")) {
            return forwardedMessage(entity, encoding);
        }
        return leaf(entity, type, encoding);
    }

    private static MimeEntity multipart(MimeEntity entity, ContentType type, String encoding) throws MessagingException, IOException {
        String boundary = type.getParameter("boundary");
        List<int[]> ranges = boundary == null ? List.of() : partRanges(entity.body(), ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1));
        if (ranges.isEmpty()) {
            // Not a multipart a reader could split either: what it shows is what the sender wrote, so leave it.
            return entity;
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream(entity.body().length + 1024);
        boolean changed = false;
        int copied = 0;
        for (int[] range : ranges) {
            byte[] original = java.util.Arrays.copyOfRange(entity.body(), range[0], range[1]);
            MimeEntity part = MimeEntity.parse(original);
            MimeEntity converted = convert(part);
            body.write(entity.body(), copied, range[0] - copied);
            body.writeBytes(converted == part ? original : converted.bytes());
            copied = range[1];
            changed |= converted != part;
        }
        body.write(entity.body(), copied, entity.body().length - copied);
        byte[] newBody = changed ? body.toByteArray() : entity.body();
        MimeEntity result = changed ? entity.withBody(newBody) : entity;
        if (!encoding.equals("7bit")) {
            // RFC 2045: a multipart is labelled 7bit, 8bit or binary, and says what its parts now are.
            result = result.withHeader("Content-Transfer-Encoding", "Content-Transfer-Encoding: "
                + (sevenBitSafe(newBody, true) ? "7bit" : "8bit"));
        }
        return result;
    }

    /**
     * Offsets [start, end) of each body part: from after its delimiter line to before the line break that precedes
     * the next delimiter (RFC 2046 section 5.1.1: that line break belongs to the delimiter).
     */
    static List<int[]> partRanges(byte[] body, byte[] delimiter) {
        List<int[]> ranges = new ArrayList<>();
        int partStart = -1;
        int lineStart = 0;
        while (lineStart <= body.length) {
            int lineEnd = indexOf(body, (byte) '\n', lineStart);
            int next = lineEnd < 0 ? body.length + 1 : lineEnd + 1;
            int contentEnd = lineEnd < 0 ? body.length : (lineEnd > lineStart && body[lineEnd - 1] == '\r' ? lineEnd - 1 : lineEnd);
            if (startsWith(body, lineStart, contentEnd, delimiter)) {
                int after = lineStart + delimiter.length;
                boolean close = contentEnd - after >= 2 && body[after] == '-' && body[after + 1] == '-';
                if (close || onlyWhitespace(body, after, contentEnd)) {
                    if (partStart >= 0) {
                        int end = lineStart;
                        if (end > partStart && body[end - 1] == '\n') {
                            end--;
                            if (end > partStart && body[end - 1] == '\r') {
                                end--;
                            }
                        }
                        ranges.add(new int[] {partStart, end});
                    }
                    if (close) {
                        return ranges;
                    }
                    partStart = Math.min(next, body.length);
                }
            }
            lineStart = next;
        }
        if (partStart >= 0) {
            ranges.add(new int[] {partStart, body.length});
        }
        return ranges;
    }

    private static MimeEntity forwardedMessage(MimeEntity entity, String encoding) throws MessagingException, IOException {
        byte[] message = decoded(entity, encoding);
        MimeEntity inner = MimeEntity.parse(message);
        List<String> contentLines = inner.contentLines();
        MimeEntity innerContent = new MimeEntity(contentLines, inner.body());
        MimeEntity converted = convert(innerContent);
        boolean permitted = encoding.equals("7bit") || encoding.equals("8bit") || encoding.equals("binary");
        if (converted == innerContent && permitted && sevenBitSafe(entity.body(), true)) {
            return encoding.equals("7bit") ? entity : entity.withHeader("Content-Transfer-Encoding", "Content-Transfer-Encoding: 7bit");
        }
        byte[] newMessage = message;
        if (converted != innerContent) {
            List<String> lines = new ArrayList<>(inner.headerLines().size());
            lines.addAll(inner.headerLines().stream().filter(l -> !MimeEntity.name(l).startsWith("content-")).toList());
            lines.addAll(converted.headerLines());
            newMessage = new MimeEntity(lines, converted.body()).bytes();
        }
        // The header section of the forwarded message may hold raw UTF-8 (RFC 6532); RFC 2046 then permits 8bit.
        String label = sevenBitSafe(newMessage, true) ? "7bit" : "8bit";
        return entity.withBody(newMessage).withHeader("Content-Transfer-Encoding", "Content-Transfer-Encoding: " + label);
    }

    private static MimeEntity leaf(MimeEntity entity, ContentType type, String encoding) throws MessagingException, IOException {
        boolean text = type.match("text/*");
        boolean encoded = encoding.equals("base64") || encoding.equals("quoted-printable");
        boolean identity = encoding.equals("7bit") || encoding.equals("8bit") || encoding.equals("binary");
        // Line breaks in text are canonicalised to CRLF anyway; in an encoded body they are not data.
        if ((encoded || identity) && sevenBitSafe(entity.body(), text || encoded)) {
            return encoding.equals("7bit") || encoded ? entity
                : entity.withHeader("Content-Transfer-Encoding", "Content-Transfer-Encoding: 7bit");
        }
        if (!encoded && !identity && sevenBitSafe(entity.body(), true)) {
            // An encoding we cannot decode (x-uuencode variants, private ones) whose bytes are 7-bit already.
            return entity;
        }
        byte[] content = decoded(entity, encoding);
        if (text) {
            content = Canonical.crlf(content);
        }
        String target = text && quotedPrintableIsShorter(content) ? "quoted-printable" : "base64";
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length * 4 / 3 + 128);
        try (OutputStream encoder = MimeUtility.encode(out, target)) {
            encoder.write(content);
        }
        return entity.withBody(out.toByteArray()).withHeader("Content-Transfer-Encoding", "Content-Transfer-Encoding: " + target);
    }

    /** Quoted-printable costs 3 bytes per non-ASCII byte, base64 4 per 3 of all bytes. */
    private static boolean quotedPrintableIsShorter(byte[] content) {
        long nonAscii = 0;
        for (byte b : content) {
            if (b < 0 || b == '=') {
                nonAscii++;
            }
        }
        return content.length + 2 * nonAscii < content.length * 4L / 3;
    }

    private static byte[] decoded(MimeEntity entity, String encoding) throws MessagingException, IOException {
        try (InputStream in = MimeUtility.decode(new ByteArrayInputStream(entity.body()), encoding)) {
            return in.readAllBytes();
        } catch (MessagingException e) {
            throw new UnconvertiblePartException("the part " + describe(entity) + " is 8-bit and uses the transfer encoding '"
                + encoding + "', which cannot be decoded; send it as base64 or quoted-printable");
        } catch (IOException e) {
            throw new UnconvertiblePartException("the part " + describe(entity) + " is not valid " + encoding + " ("
                + e.getMessage() + "); send it again from the mail client");
        }
    }

    private static String describe(MimeEntity entity) {
        String type = entity.header("Content-Type");
        return "of type " + (type == null ? "text/plain" : type);
    }

    static ContentType contentType(MimeEntity entity) {
        String value = entity.header("Content-Type");
        if (value != null) {
            try {
                return new ContentType(value);
            } catch (ParseException e) {
                // A reader cannot make sense of it either; RFC 2045 section 5.2 says to treat it as plain text.
            }
        }
        return new ContentType("text", "plain", null);
    }

    private static String encoding(MimeEntity entity) {
        String value = entity.header("Content-Transfer-Encoding");
        return value == null || value.isBlank() ? "7bit" : value.trim().toLowerCase(Locale.ROOT);
    }

    /**
     * 7-bit data per RFC 2045 section 2.7: no byte above 127, no NUL, no line over 998 octets, and (unless line
     * breaks are free to canonicalise) CR and LF only as CRLF pairs.
     */
    static boolean sevenBitSafe(byte[] b, boolean lineBreaksCanonicalisable) {
        int lineLength = 0;
        for (int i = 0; i < b.length; i++) {
            byte c = b[i];
            if (c <= 0) {
                return false;
            }
            if (c == '\r' || c == '\n') {
                if (!lineBreaksCanonicalisable && (c == '\r' ? i + 1 >= b.length || b[i + 1] != '\n' : i == 0 || b[i - 1] != '\r')) {
                    return false;
                }
                lineLength = 0;
            } else if (++lineLength > MAX_LINE) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(byte[] b, byte c, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }

    private static boolean startsWith(byte[] b, int from, int end, byte[] prefix) {
        if (end - from < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (b[from + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean onlyWhitespace(byte[] b, int from, int end) {
        for (int i = from; i < end; i++) {
            if (b[i] != ' ' && b[i] != '\t') {
                return false;
            }
        }
        return true;
    }
}

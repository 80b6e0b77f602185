package org.civicmail.imap.fetch;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.civicmail.verdict.mime.ContentType;
import org.civicmail.verdict.mime.MalformedMessageException;

/**
 * One MIME entity of a stored message (the message itself, a body part, or a message encapsulated in a
 * message/rfc822 part), located by byte offsets so IMAP can hand out its header and body exactly as stored.
 * Reads leniently, as an IMAP server must show whatever arrived: a header without an empty line is all header, an
 * unparsable Content-Type counts as the default type, a multipart without its closing delimiter ends with the
 * message. (The signature verifier's reader in {@code org.civicmail.verdict.mime} is strict on purpose; this one
 * only locates bytes and decides nothing about trust.)
 */
final class MimeNode {
    private static final String TEXT_PLAIN = "text/plain";
    private static final String MESSAGE_RFC822 = "message/rfc822";

    private final byte[] bytes;
    private final int start;
    private final int bodyStart;
    private final int end;
    private final String mediaType;
    private final Optional<String> boundary;

    private MimeNode(byte[] bytes, int start, int bodyStart, int end, String mediaType, Optional<String> boundary) {
        this.bytes = bytes;
        this.start = start;
        this.bodyStart = bodyStart;
        this.end = end;
        this.mediaType = mediaType;
        this.boundary = boundary;
    }

    /** A whole message. */
    static MimeNode message(byte[] bytes) {
        return parse(bytes, 0, bytes.length, TEXT_PLAIN);
    }

    private static MimeNode parse(byte[] bytes, int start, int end, String defaultType) {
        int pos = start;
        int bodyStart = end;
        while (pos < end) {
            int lineEnd = lineEnd(bytes, pos, end);
            int next = nextLine(bytes, lineEnd, end);
            if (lineEnd == pos) {
                bodyStart = next;
                break;
            }
            pos = next;
        }
        String mediaType = defaultType;
        Optional<String> boundary = Optional.empty();
        Optional<String> value = field(bytes, start, bodyStart, "content-type");
        if (value.isPresent()) {
            try {
                ContentType type = ContentType.parse(value.get());
                mediaType = type.mediaType();
                boundary = type.parameter("boundary");
            } catch (MalformedMessageException e) {
                // RFC 2045 section 5.2: an unrecognisable Content-Type is treated as the default.
            }
        }
        if (mediaType.startsWith("multipart/") && boundary.filter(b -> !b.isEmpty()).isEmpty()) {
            mediaType = TEXT_PLAIN;
        }
        return new MimeNode(bytes, start, bodyStart, end, mediaType, boundary);
    }

    boolean isMultipart() {
        return mediaType.startsWith("multipart/");
    }

    /** message/rfc822 and its internationalised form message/global (RFC 6532) encapsulate a whole message. */
    boolean encapsulatesMessage() {
        return mediaType.equals(MESSAGE_RFC822) || mediaType.equals("message/global");
    }

    byte[] header() {
        return Arrays.copyOfRange(bytes, start, bodyStart);
    }

    byte[] body() {
        return Arrays.copyOfRange(bytes, bodyStart, end);
    }

    /** The message inside a message/rfc822 part. */
    MimeNode encapsulated() {
        return parse(bytes, bodyStart, end, TEXT_PLAIN);
    }

    /** The body parts of a multipart entity (RFC 2046 section 5.1.1), in order. */
    List<MimeNode> bodyParts() {
        String childDefault = mediaType.equals("multipart/digest") ? MESSAGE_RFC822 : TEXT_PLAIN;
        byte[] dash = ("--" + boundary.orElseThrow()).getBytes(StandardCharsets.ISO_8859_1);
        List<MimeNode> parts = new ArrayList<>();
        int partStart = -1;
        int previousLineEnd = bodyStart;
        int pos = bodyStart;
        while (pos < end) {
            int lineEnd = lineEnd(bytes, pos, end);
            int next = nextLine(bytes, lineEnd, end);
            Delimiter delimiter = delimiter(pos, lineEnd, dash);
            if (delimiter != Delimiter.NONE) {
                if (partStart >= 0) {
                    // The line break before a delimiter belongs to the delimiter (RFC 2046 section 5.1.1).
                    parts.add(parse(bytes, partStart, Math.max(partStart, previousLineEnd), childDefault));
                }
                if (delimiter == Delimiter.CLOSE) {
                    return parts;
                }
                partStart = next;
            }
            previousLineEnd = lineEnd;
            pos = next;
        }
        if (partStart >= 0) {
            parts.add(parse(bytes, partStart, end, childDefault));
        }
        return parts;
    }

    /** Header fields named in {@code names} (any case), as stored, folding kept, and the empty line that ends them. */
    byte[] headerFields(java.util.Collection<String> names, boolean matching) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        List<String> wanted = names.stream().map(n -> n.toLowerCase(Locale.ROOT)).toList();
        int pos = start;
        boolean keep = false;
        while (pos < bodyStart) {
            int lineEnd = lineEnd(bytes, pos, bodyStart);
            int next = nextLine(bytes, lineEnd, bodyStart);
            if (lineEnd == pos) {
                break;
            }
            if (bytes[pos] != ' ' && bytes[pos] != '\t') {
                keep = wanted.contains(fieldName(pos, lineEnd)) == matching;
            }
            if (keep) {
                out.write(bytes, pos, lineEnd - pos);
                out.write('\r');
                out.write('\n');
            }
            pos = next;
        }
        out.write('\r');
        out.write('\n');
        return out.toByteArray();
    }

    private String fieldName(int from, int lineEnd) {
        for (int i = from; i < lineEnd; i++) {
            if (bytes[i] == ':') {
                return new String(bytes, from, i - from, StandardCharsets.ISO_8859_1).trim().toLowerCase(Locale.ROOT);
            }
        }
        return "";
    }

    /** The first field of that name in this entity's header, unfolded. */
    Optional<String> field(String name) {
        return field(bytes, start, bodyStart, name);
    }

    private static Optional<String> field(byte[] bytes, int start, int headerEnd, String name) {
        int pos = start;
        StringBuilder value = null;
        while (pos < headerEnd) {
            int lineEnd = lineEnd(bytes, pos, headerEnd);
            int next = nextLine(bytes, lineEnd, headerEnd);
            if (lineEnd == pos) {
                break;
            }
            String line = new String(bytes, pos, lineEnd - pos, StandardCharsets.UTF_8);
            boolean continuation = line.startsWith(" ") || line.startsWith("\t");
            if (value != null) {
                if (!continuation) {
                    return Optional.of(value.toString());
                }
                value.append(line);
            } else if (!continuation) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                    value = new StringBuilder(line.substring(colon + 1));
                }
            }
            pos = next;
        }
        return Optional.ofNullable(value).map(StringBuilder::toString);
    }

    private enum Delimiter { NONE, PART, CLOSE }

    private Delimiter delimiter(int from, int lineEnd, byte[] dash) {
        if (lineEnd - from < dash.length || !Arrays.equals(bytes, from, from + dash.length, dash, 0, dash.length)) {
            return Delimiter.NONE;
        }
        int i = from + dash.length;
        Delimiter kind = Delimiter.PART;
        if (i + 1 < lineEnd && bytes[i] == '-' && bytes[i + 1] == '-') {
            kind = Delimiter.CLOSE;
            i += 2;
        }
        for (; i < lineEnd; i++) {
            if (bytes[i] != ' ' && bytes[i] != '\t') {
                return Delimiter.NONE;
            }
        }
        return kind;
    }

    /** The index of the CR of a CRLF, or of a bare LF, ending the line at {@code from}; {@code end} if none. */
    private static int lineEnd(byte[] b, int from, int end) {
        for (int i = from; i < end; i++) {
            if (b[i] == '\n') {
                return i > from && b[i - 1] == '\r' ? i - 1 : i;
            }
        }
        return end;
    }

    private static int nextLine(byte[] b, int lineEnd, int end) {
        if (lineEnd >= end) {
            return end;
        }
        return b[lineEnd] == '\r' ? lineEnd + 2 : lineEnd + 1;
    }
}

package org.civicmail.verdict.mime;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The body parts of a multipart entity (RFC 2046 section 5.1.1), located by byte offsets. A part's bytes run from
 * after its delimiter line to before the line break that precedes the next delimiter: exactly what a
 * multipart/signed signature covers.
 */
public final class Multipart {
    private final List<MimeEntity> parts;
    private final byte[] epilogue;

    private Multipart(List<MimeEntity> parts, byte[] epilogue) {
        this.parts = List.copyOf(parts);
        this.epilogue = epilogue;
    }

    public static Multipart of(MimeEntity entity, String boundary) throws MalformedMessageException {
        if (boundary.isEmpty() || boundary.length() > 70) {
            throw new MalformedMessageException("multipart boundary must be 1 to 70 characters, got " + boundary.length());
        }
        byte[] b = entity.buffer();
        byte[] dash = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        int end = entity.end();
        int pos = entity.bodyStart();
        int previousLineEnd = -1;
        int partStart = -1;
        List<MimeEntity> parts = new ArrayList<>();
        while (pos < end) {
            int lineEnd = Lines.lineEnd(b, pos, end);
            int next = Lines.nextLine(b, lineEnd, end);
            DelimiterKind kind = delimiter(b, pos, lineEnd, dash);
            if (kind != DelimiterKind.NONE) {
                if (partStart >= 0) {
                    // The line break before a delimiter belongs to the delimiter (RFC 2046).
                    int partEnd = Math.max(partStart, previousLineEnd);
                    parts.add(MimeEntity.parse(b, partStart, partEnd));
                }
                if (kind == DelimiterKind.CLOSE) {
                    if (partStart < 0) {
                        throw new MalformedMessageException("multipart body closes before its first part");
                    }
                    byte[] epilogue = java.util.Arrays.copyOfRange(b, next, end);
                    return new Multipart(parts, epilogue);
                }
                partStart = next;
            }
            previousLineEnd = lineEnd;
            pos = next;
        }
        throw new MalformedMessageException("multipart body has no closing boundary --" + boundary + "--");
    }

    public List<MimeEntity> parts() {
        return parts;
    }

    /** What follows the closing delimiter; mail clients do not show it, so nothing should hide there. */
    public byte[] epilogue() {
        return epilogue.clone();
    }

    private enum DelimiterKind { NONE, PART, CLOSE }

    private static DelimiterKind delimiter(byte[] b, int from, int lineEnd, byte[] dash) {
        if (lineEnd - from < dash.length) {
            return DelimiterKind.NONE;
        }
        for (int i = 0; i < dash.length; i++) {
            if (b[from + i] != dash[i]) {
                return DelimiterKind.NONE;
            }
        }
        int i = from + dash.length;
        DelimiterKind kind = DelimiterKind.PART;
        if (i + 2 <= lineEnd && b[i] == '-' && b[i + 1] == '-') {
            kind = DelimiterKind.CLOSE;
            i += 2;
        }
        for (; i < lineEnd; i++) {
            if (b[i] != ' ' && b[i] != '\t') {
                return DelimiterKind.NONE;
            }
        }
        return kind;
    }
}

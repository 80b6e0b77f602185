package org.civicmail.broadcast.delivery;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

import org.civicmail.verdict.VerdictHeader;
import org.civicmail.verdict.WarningHeader;

/**
 * The verdict header of a stored broadcast copy, on raw message bytes: {@link #unstamped} removes any
 * {@code X-CivicMail-Signature} / {@code X-CivicMail-Warning} field from the top-level header (earlier versions
 * baked a verdict into the signed notice when it was composed), {@link #line} is the field a copy gets when it is
 * stored. Both fields lie outside the signature. Stateless.
 */
final class VerdictStamp {
    private static final Set<String> STATUS_FIELDS = Set.of(VerdictHeader.NAME.toLowerCase(Locale.ROOT),
        WarningHeader.NAME.toLowerCase(Locale.ROOT));

    private VerdictStamp() {
    }

    /** The header field (with CRLF) that records {@code headerValue} as the copy's verdict. */
    static byte[] line(String headerValue) {
        if (headerValue.contains("\r") || headerValue.contains("\n")) {
            throw new IllegalArgumentException("a verdict header value is one line: " + headerValue);
        }
        return (VerdictHeader.NAME + ": " + headerValue + "\r\n").getBytes(StandardCharsets.UTF_8);
    }

    /** {@code message} without status fields in its top-level header; the same array when it has none. */
    static byte[] unstamped(byte[] message) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(message.length);
        boolean dropping = false;
        boolean changed = false;
        int i = 0;
        while (i < message.length) {
            int end = i;
            while (end < message.length && message[end] != '\n') {
                end++;
            }
            int next = Math.min(end + 1, message.length);
            boolean blank = end == i || (end == i + 1 && message[i] == '\r');
            if (blank) {
                out.write(message, i, message.length - i);
                break;
            }
            boolean continuation = message[i] == ' ' || message[i] == '\t';
            if (!continuation) {
                dropping = STATUS_FIELDS.contains(fieldName(message, i, end));
            }
            if (dropping) {
                changed = true;
            } else {
                out.write(message, i, next - i);
            }
            i = next;
        }
        return changed ? out.toByteArray() : message;
    }

    private static String fieldName(byte[] message, int start, int end) {
        for (int j = start; j < end; j++) {
            if (message[j] == ':') {
                return new String(message, start, j - start, StandardCharsets.US_ASCII).trim().toLowerCase(Locale.ROOT);
            }
        }
        return "";
    }

    static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] p : parts) {
            length += p.length;
        }
        byte[] out = new byte[length];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}

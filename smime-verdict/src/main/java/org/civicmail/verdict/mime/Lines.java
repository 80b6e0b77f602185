package org.civicmail.verdict.mime;

import java.io.ByteArrayOutputStream;

/** Line handling on raw bytes: a line ends at CRLF or at a bare LF. */
public final class Lines {
    private Lines() {
    }

    /** @return the index of the CR of a CRLF, or of a bare LF, ending the line that starts at {@code from}; else {@code end} */
    static int lineEnd(byte[] b, int from, int end) {
        for (int i = from; i < end; i++) {
            if (b[i] == '\n') {
                return i > from && b[i - 1] == '\r' ? i - 1 : i;
            }
        }
        return end;
    }

    /** @return where the next line starts, given the end found by {@link #lineEnd} */
    static int nextLine(byte[] b, int lineEnd, int end) {
        if (lineEnd >= end) {
            return end;
        }
        return b[lineEnd] == '\r' ? lineEnd + 2 : lineEnd + 1;
    }

    /**
     * RFC 8551 section 3.1.1 canonical form: every line ends in CRLF. A bare LF becomes CRLF; existing CRLFs and
     * every other byte stay as they are. Stores and files often keep LF only; the signer signed CRLF.
     */
    public static byte[] canonical(byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + content.length / 40 + 2);
        for (int i = 0; i < content.length; i++) {
            if (content[i] == '\n' && (i == 0 || content[i - 1] != '\r')) {
                out.write('\r');
            }
            out.write(content[i]);
        }
        return out.toByteArray();
    }
}

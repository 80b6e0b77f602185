package org.civicmail.smime;

import java.io.ByteArrayOutputStream;

/** RFC 8551 section 3.1.1 canonical form of 7-bit MIME: every line break is CRLF. */
final class Canonical {
    private Canonical() {
    }

    /** The bytes with each bare CR and each bare LF turned into CRLF; the same array when there is none. */
    static byte[] crlf(byte[] b) {
        if (isCrlf(b)) {
            return b;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(b.length + b.length / 32 + 2);
        for (int i = 0; i < b.length; i++) {
            byte c = b[i];
            if (c == '\r') {
                out.write('\r');
                out.write('\n');
                if (i + 1 < b.length && b[i + 1] == '\n') {
                    i++;
                }
            } else if (c == '\n') {
                out.write('\r');
                out.write('\n');
            } else {
                out.write(c);
            }
        }
        return out.toByteArray();
    }

    private static boolean isCrlf(byte[] b) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] == '\r' ? i + 1 >= b.length || b[i + 1] != '\n' : b[i] == '\n' && (i == 0 || b[i - 1] != '\r')) {
                return false;
            }
        }
        return true;
    }
}

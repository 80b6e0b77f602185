package org.civicmail.mime;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * How the bytes of a header are read as text: raw 8-bit header bytes are UTF-8 as RFC 6532 allows (common from
 * Chinese senders, without encoded words), and when they are not valid UTF-8 they are taken as GB18030, the
 * superset of GBK and GB2312 that older Chinese mail programs write. Plain ASCII reads the same either way.
 */
public final class HeaderCharset {
    private static final Charset GB18030 = Charset.forName("GB18030");

    private HeaderCharset() {
    }

    public static String decode(byte[] bytes) {
        return decode(bytes, 0, bytes.length);
    }

    public static String decode(byte[] bytes, int offset, int length) {
        if (isAscii(bytes, offset, length)) {
            return new String(bytes, offset, length, StandardCharsets.US_ASCII);
        }
        try {
            CharBuffer text = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes, offset, length));
            return text.toString();
        } catch (CharacterCodingException notUtf8) {
            return new String(bytes, offset, length, GB18030);
        }
    }

    /**
     * Header text that a reader took byte for byte as ISO-8859-1 (javax.mail does, when loading a header; mime4j's
     * {@code ContentUtil.decode} does), read again as {@link #decode}: UTF-8, else GB18030. Text with a character
     * above U+00FF was decoded properly already and is returned as it is.
     */
    public static String fromLatin1(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) > 0xFF) {
                return text;
            }
        }
        return decode(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static boolean isAscii(byte[] bytes, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            if (bytes[i] < 0) {
                return false;
            }
        }
        return true;
    }
}

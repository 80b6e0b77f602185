package org.civicmail.webmail.i18n;

import jakarta.mail.internet.MimeUtility;
import java.io.UnsupportedEncodingException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The one rule for header bytes that are not plain ASCII: RFC 6532 says they are UTF-8; many Chinese senders still
 * send raw GB2312/GBK, so bytes that are not valid UTF-8 are read as GB18030 (a superset of both). Encoded words
 * (RFC 2047) are decoded after that. Stateless.
 */
public final class HeaderText {

    private static final Charset GB18030 = Charset.forName("GB18030");

    private HeaderText() {}

    /** Raw header bytes (possibly several lines) to text: UTF-8 when valid, else GB18030. */
    public static String bytes(byte[] raw) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(raw)).toString();
        } catch (CharacterCodingException notUtf8) {
            return new String(raw, GB18030);
        }
    }

    /**
     * A header value as Jakarta Mail hands it out when it read the header as ISO-8859-1 (one char per byte):
     * back to bytes, then {@link #bytes}, then encoded words decoded.
     */
    public static String latin1Value(String value) {
        if (value == null) {
            return null;
        }
        boolean eightBit = value.chars().anyMatch(c -> c > 0x7f);
        String text = value;
        if (eightBit && value.chars().allMatch(c -> c <= 0xff)) {
            text = bytes(value.getBytes(StandardCharsets.ISO_8859_1));
        }
        return decodeWords(text);
    }

    /** RFC 2047 encoded words decoded; text that is not a valid encoded word stays as it is. */
    public static String decodeWords(String text) {
        if (text == null || !text.contains("=?")) {
            return text;
        }
        try {
            return MimeUtility.decodeText(MimeUtility.unfold(text));
        } catch (UnsupportedEncodingException e) {
            return text;
        }
    }
}

package org.civicmail.account;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The text of a CSV file as clerks export it: UTF-8 with or without byte-order mark, or GBK/GB18030 as Chinese
 * Excel saves it. Decoding is strict: a wrong encoding is an error the user can fix, never silent mojibake.
 */
public final class SpreadsheetText {
    /** GB18030 is a superset of GBK, so it reads both. */
    public static final Charset GB18030 = Charset.forName("GB18030");

    /** Text and the encoding it was read with. */
    public record Decoded(String text, Charset charset) {
    }

    private SpreadsheetText() {
    }

    /** Decodes with the given encoding; a UTF-8 byte-order mark is dropped. */
    public static String decode(byte[] bytes, Charset charset) throws CharacterCodingException {
        String text = charset.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(bytes)).toString();
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    /** UTF-8 when the bytes are valid UTF-8, else GB18030; throws when they are neither. */
    public static Decoded detect(byte[] bytes) throws CharacterCodingException {
        try {
            return new Decoded(decode(bytes, StandardCharsets.UTF_8), StandardCharsets.UTF_8);
        } catch (CharacterCodingException notUtf8) {
            return new Decoded(decode(bytes, GB18030), GB18030);
        }
    }
}

package org.civicmail.verdict.mime;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A MIME entity (a whole message or one body part) read from its exact bytes: the header fields and where the body
 * starts. Works on byte offsets so a signed part can be handed to the signature check byte for byte.
 * Lines may end in CRLF or in a bare LF (files, some stores); both are accepted here and canonicalised only where
 * RFC 8551 says so (the signed content).
 */
public final class MimeEntity {
    private final byte[] bytes;
    private final int start;
    private final int bodyStart;
    private final int end;
    private final List<HeaderField> fields;

    private MimeEntity(byte[] bytes, int start, int bodyStart, int end, List<HeaderField> fields) {
        this.bytes = bytes;
        this.start = start;
        this.bodyStart = bodyStart;
        this.end = end;
        this.fields = List.copyOf(fields);
    }

    public static MimeEntity parse(byte[] bytes) throws MalformedMessageException {
        return parse(bytes, 0, bytes.length);
    }

    /** Reads the header section of {@code bytes[start, end)}; the body is what follows the first empty line. */
    public static MimeEntity parse(byte[] bytes, int start, int end) throws MalformedMessageException {
        List<HeaderField> fields = new ArrayList<>();
        int pos = start;
        String name = null;
        StringBuilder value = null;
        while (pos < end) {
            int lineEnd = Lines.lineEnd(bytes, pos, end);
            int next = Lines.nextLine(bytes, lineEnd, end);
            if (lineEnd == pos) {
                if (name != null) {
                    fields.add(new HeaderField(name, value.toString()));
                }
                return new MimeEntity(bytes, start, next, end, fields);
            }
            byte first = bytes[pos];
            if (first == ' ' || first == '\t') {
                if (name == null) {
                    throw new MalformedMessageException("a header section starts with a continuation line");
                }
                value.append(text(bytes, pos, lineEnd));
            } else {
                if (name != null) {
                    fields.add(new HeaderField(name, value.toString()));
                }
                int colon = indexOf(bytes, pos, lineEnd, (byte) ':');
                if (colon <= pos) {
                    throw new MalformedMessageException("header line without a field name and colon: \""
                        + abbreviate(text(bytes, pos, lineEnd)) + "\"");
                }
                name = text(bytes, pos, colon).trim();
                if (name.isEmpty() || !name.chars().allMatch(c -> c > 32 && c < 127)) {
                    throw new MalformedMessageException("header field name is not printable ASCII: \"" + abbreviate(name) + "\"");
                }
                value = new StringBuilder(text(bytes, colon + 1, lineEnd));
            }
            pos = next;
        }
        if (name != null) {
            fields.add(new HeaderField(name, value.toString()));
        }
        return new MimeEntity(bytes, start, end, end, fields);
    }

    public List<HeaderField> fields() {
        return fields;
    }

    /** Every value of the named field, in order (there may be none, one, or a suspicious several). */
    public List<String> values(String fieldName) {
        return fields.stream().filter(f -> f.is(fieldName)).map(HeaderField::value).toList();
    }

    /** @throws MalformedMessageException when the field occurs more than once (a reader could pick either) */
    public Optional<String> single(String fieldName) throws MalformedMessageException {
        List<String> values = values(fieldName);
        if (values.size() > 1) {
            throw new MalformedMessageException("the header has " + values.size() + " " + fieldName + " fields");
        }
        return values.stream().findFirst();
    }

    public Optional<ContentType> contentType() throws MalformedMessageException {
        Optional<String> value = single("Content-Type");
        return value.isEmpty() ? Optional.empty() : Optional.of(ContentType.parse(value.get()));
    }

    /** The whole entity, header and body, exactly as it was received. */
    public byte[] rawBytes() {
        return Arrays.copyOfRange(bytes, start, end);
    }

    public byte[] body() {
        return Arrays.copyOfRange(bytes, bodyStart, end);
    }

    byte[] buffer() {
        return bytes;
    }

    int bodyStart() {
        return bodyStart;
    }

    int end() {
        return end;
    }

    /** Header text: UTF-8 when it is valid UTF-8 (RFC 6532), else ISO-8859-1, so no byte is lost or merged. */
    static String text(byte[] bytes, int from, int to) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes, from, to - from)).toString();
        } catch (CharacterCodingException e) {
            return new String(bytes, from, to - from, StandardCharsets.ISO_8859_1);
        }
    }

    private static int indexOf(byte[] bytes, int from, int to, byte b) {
        for (int i = from; i < to; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }
}

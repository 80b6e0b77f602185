package org.civicmail.verdict.mime;

import java.nio.charset.Charset;
import java.util.Base64;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** RFC 2047 encoded words ({@code =?UTF-8?B?...?=}) in unstructured text and display names, decoded. */
public final class EncodedWords {
    private static final Pattern WORD = Pattern.compile("=\\?([^?*\\s]+)(?:\\*[^?\\s]*)?\\?([bBqQ])\\?([^?\\s]*)\\?=");
    private static final Pattern BETWEEN_WORDS = Pattern.compile("(\\?=)[ \\t\\r\\n]+(=\\?)");

    private EncodedWords() {
    }

    /** Decodes every well-formed encoded word; a word in an unknown charset or with bad encoding stays as written. */
    public static String decode(String text) {
        // Whitespace between two adjacent encoded words is not part of the text (RFC 2047 section 6.2).
        String joined = BETWEEN_WORDS.matcher(text).replaceAll("$1$2");
        Matcher m = WORD.matcher(joined);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(decodeWord(m.group(1), m.group(2), m.group(3)).orElse(m.group())));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static java.util.Optional<String> decodeWord(String charsetName, String encoding, String text) {
        try {
            Charset charset = Charset.forName(charsetName);
            byte[] bytes = encoding.toUpperCase(Locale.ROOT).equals("B") ? Base64.getDecoder().decode(text) : quoted(text);
            return java.util.Optional.of(new String(bytes, charset));
        } catch (IllegalArgumentException e) {
            return java.util.Optional.empty();
        }
    }

    private static byte[] quoted(String text) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '_') {
                out.write(' ');
            } else if (c == '=' && i + 2 < text.length()) {
                out.write(Integer.parseInt(text.substring(i + 1, i + 3), 16));
                i += 2;
            } else if (c == '=') {
                throw new IllegalArgumentException("truncated =XX escape");
            } else {
                out.write(c);
            }
        }
        return out.toByteArray();
    }
}

package org.civicmail.verdict.mime;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A parsed Content-Type value (RFC 2045 section 5.1): type/subtype in lower case and the parameters, names in lower
 * case, values unquoted. A parameter given twice is refused: two readers could honour different ones (e.g. two
 * boundaries), which is how a part gets shown that the signature does not cover.
 */
public record ContentType(String type, String subtype, Map<String, String> parameters) {

    public static ContentType parse(String value) throws MalformedMessageException {
        String v = stripComments(value).trim();
        int semicolon = indexOutsideQuotes(v, ';', 0);
        String mediaType = (semicolon < 0 ? v : v.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
        int slash = mediaType.indexOf('/');
        if (slash <= 0 || slash == mediaType.length() - 1 || mediaType.indexOf('/', slash + 1) >= 0
            || !mediaType.chars().allMatch(c -> c == '/' || isTokenChar(c))) {
            throw new MalformedMessageException("Content-Type \"" + value.trim() + "\" is not type/subtype");
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        int pos = semicolon;
        while (pos >= 0 && pos < v.length()) {
            int next = indexOutsideQuotes(v, ';', pos + 1);
            String parameter = (next < 0 ? v.substring(pos + 1) : v.substring(pos + 1, next)).trim();
            pos = next;
            if (parameter.isEmpty()) {
                continue;
            }
            int eq = parameter.indexOf('=');
            if (eq <= 0) {
                throw new MalformedMessageException("Content-Type parameter \"" + parameter + "\" has no value");
            }
            String name = parameter.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            String raw = parameter.substring(eq + 1).trim();
            String unquoted = raw;
            if (raw.startsWith("\"")) {
                if (raw.length() < 2 || !raw.endsWith("\"")) {
                    throw new MalformedMessageException("Content-Type parameter " + name + " has an unterminated quoted value");
                }
                unquoted = raw.substring(1, raw.length() - 1).replaceAll("\\\\(.)", "$1");
            }
            if (parameters.putIfAbsent(name, unquoted) != null) {
                throw new MalformedMessageException("Content-Type parameter " + name + " is given twice");
            }
        }
        return new ContentType(mediaType.substring(0, slash), mediaType.substring(slash + 1), Map.copyOf(parameters));
    }

    public boolean is(String mediaType) {
        return (type + "/" + subtype).equalsIgnoreCase(mediaType);
    }

    public String mediaType() {
        return type + "/" + subtype;
    }

    public Optional<String> parameter(String name) {
        return Optional.ofNullable(parameters.get(name.toLowerCase(Locale.ROOT)));
    }

    private static boolean isTokenChar(int c) {
        return c > 32 && c < 127 && "()<>@,;:\\\"/[]?=".indexOf(c) < 0;
    }

    private static int indexOutsideQuotes(String s, char wanted, int from) {
        boolean quoted = false;
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quoted && c == '\\') {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == wanted && !quoted) {
                return i;
            }
        }
        return -1;
    }

    /** RFC 822 comments, e.g. {@code text/plain (plain text)}, outside quoted strings. */
    static String stripComments(String s) {
        StringBuilder out = new StringBuilder(s.length());
        boolean quoted = false;
        int depth = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && (quoted || depth > 0) && i + 1 < s.length()) {
                if (depth == 0) {
                    out.append(c).append(s.charAt(i + 1));
                }
                i++;
                continue;
            }
            if (depth == 0 && c == '"') {
                quoted = !quoted;
            } else if (!quoted && c == '(') {
                depth++;
                continue;
            } else if (!quoted && c == ')' && depth > 0) {
                depth--;
                continue;
            }
            if (depth == 0) {
                out.append(c);
            }
        }
        return out.toString();
    }
}

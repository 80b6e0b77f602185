package org.civicmail.verdict.mime;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses an RFC 5322 address list (From, To, Cc, Reply-To) into mailboxes, with groups, quoted display names,
 * comments and angle addresses. Encoded words are decoded in display names only: an encoded word standing where an
 * address belongs stays undecoded, so it can never pass for an address (RFC 2047 section 5).
 */
public final class AddressList {
    private AddressList() {
    }

    public static List<Mailbox> parse(String value) {
        List<Mailbox> out = new ArrayList<>();
        String v = value.replaceAll("\\r?\\n", "");
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        boolean inGroup = false;
        int depth = 0;
        int angle = 0;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if ((quoted || depth > 0) && c == '\\' && i + 1 < v.length()) {
                current.append(c).append(v.charAt(++i));
                continue;
            }
            if (depth == 0 && c == '"') {
                quoted = !quoted;
            } else if (!quoted && c == '(') {
                depth++;
            } else if (!quoted && c == ')' && depth > 0) {
                depth--;
            } else if (!quoted && depth == 0 && c == '<') {
                angle++;
            } else if (!quoted && depth == 0 && c == '>' && angle > 0) {
                angle--;
            } else if (!quoted && depth == 0 && angle == 0) {
                if (c == ':' && !inGroup) {
                    inGroup = true;
                    current.setLength(0);
                    continue;
                }
                if (c == ',' || c == ';') {
                    add(out, current.toString(), inGroup);
                    current.setLength(0);
                    if (c == ';') {
                        inGroup = false;
                    }
                    continue;
                }
            }
            current.append(c);
        }
        add(out, current.toString(), inGroup);
        return out;
    }

    private static void add(List<Mailbox> out, String text, boolean inGroup) {
        String t = text.trim();
        if (t.isEmpty()) {
            return;
        }
        int open = indexOutsideQuotesAndComments(t, '<');
        if (open >= 0) {
            int close = t.indexOf('>', open);
            String address = (close < 0 ? t.substring(open + 1) : t.substring(open + 1, close));
            address = ContentType.stripComments(address).trim();
            int route = address.lastIndexOf(':');
            if (address.startsWith("@") && route > 0) {
                address = address.substring(route + 1);
            }
            out.add(new Mailbox(displayName(t.substring(0, open)), address.replaceAll("\\s", ""), inGroup));
        } else {
            String address = ContentType.stripComments(t).replaceAll("\\s", "");
            out.add(new Mailbox("", address, inGroup));
        }
    }

    private static String displayName(String raw) {
        String s = ContentType.stripComments(raw).trim();
        StringBuilder out = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quoted && c == '\\' && i + 1 < s.length()) {
                out.append(s.charAt(++i));
            } else if (c == '"') {
                quoted = !quoted;
            } else {
                out.append(c);
            }
        }
        return EncodedWords.decode(out.toString()).replaceAll("\\s+", " ").trim();
    }

    private static int indexOutsideQuotesAndComments(String s, char wanted) {
        boolean quoted = false;
        int depth = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((quoted || depth > 0) && c == '\\') {
                i++;
            } else if (depth == 0 && c == '"') {
                quoted = !quoted;
            } else if (!quoted && c == '(') {
                depth++;
            } else if (!quoted && c == ')' && depth > 0) {
                depth--;
            } else if (!quoted && depth == 0 && c == wanted) {
                return i;
            }
        }
        return -1;
    }
}

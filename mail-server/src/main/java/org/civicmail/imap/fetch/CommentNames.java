package org.civicmail.imap.fetch;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Names given the old way, as a comment after a bare address ({@code user@example.org (Real Name)}, RFC 5322
 * section 3.4 and RFC 822's usual practice): address (lower case) to the comment's text. Mailboxes with a display
 * name or an angle address are not listed: their name is the display name (RFC 3501 ENVELOPE, as Dovecot does).
 */
final class CommentNames {
    private CommentNames() {
    }

    static Map<String, String> of(String addressList) {
        Map<String, String> names = new HashMap<>();
        StringBuilder address = new StringBuilder();
        String comment = null;
        boolean angle = false;
        int i = 0;
        while (i < addressList.length()) {
            char c = addressList.charAt(i);
            if (c == '"') {
                int close = quotedEnd(addressList, i);
                address.append(addressList, i, close);
                i = close;
                continue;
            }
            if (c == '(') {
                int close = commentEnd(addressList, i);
                String text = addressList.substring(i + 1, Math.max(i + 1, close - 1)).trim();
                // Only a comment after the address names it ("(x) user@host" does not, as in Dovecot).
                if (!text.isEmpty() && address.indexOf("@") > 0) {
                    comment = text;
                }
                i = close;
                continue;
            }
            if (c == '<') {
                angle = true;
            }
            if (c == ',' || c == ';' || c == ':') {
                record(names, address, comment, angle);
                address.setLength(0);
                comment = null;
                angle = false;
            } else if (!Character.isWhitespace(c)) {
                address.append(c);
            }
            i++;
        }
        record(names, address, comment, angle);
        return names;
    }

    private static void record(Map<String, String> names, StringBuilder address, String comment, boolean angle) {
        String a = address.toString();
        if (!angle && comment != null && a.indexOf('@') > 0) {
            names.putIfAbsent(a.toLowerCase(Locale.ROOT), comment);
        }
    }

    private static int quotedEnd(String s, int open) {
        for (int i = open + 1; i < s.length(); i++) {
            if (s.charAt(i) == '\\') {
                i++;
            } else if (s.charAt(i) == '"') {
                return i + 1;
            }
        }
        return s.length();
    }

    /** Comments nest (RFC 5322 section 3.2.2). */
    private static int commentEnd(String s, int open) {
        int depth = 0;
        for (int i = open; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '(') {
                depth++;
            } else if (c == ')' && --depth == 0) {
                return i + 1;
            }
        }
        return s.length();
    }
}

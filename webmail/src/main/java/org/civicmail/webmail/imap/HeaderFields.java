package org.civicmail.webmail.imap;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.civicmail.webmail.i18n.HeaderText;

/**
 * Header fields parsed from raw header bytes, each field decoded on its own (so one GB18030 field does not spoil
 * a UTF-8 one), unfolded, encoded words decoded. Several occurrences of a field are kept in order.
 */
public final class HeaderFields {

    private final Map<String, List<String>> fields = new LinkedHashMap<>();

    private HeaderFields() {}

    public static HeaderFields parse(byte[] raw) {
        HeaderFields h = new HeaderFields();
        List<byte[]> logical = new ArrayList<>();
        ByteArrayOutputStream cur = null;
        int start = 0;
        for (int i = 0; i <= raw.length; i++) {
            if (i < raw.length && raw[i] != '\n') {
                continue;
            }
            int end = i > start && raw[i - 1] == '\r' ? i - 1 : i;
            if (end == start) {
                start = i + 1;
                continue;
            }
            boolean continuation = raw[start] == ' ' || raw[start] == '\t';
            if (!continuation || cur == null) {
                if (cur != null) {
                    logical.add(cur.toByteArray());
                }
                cur = new ByteArrayOutputStream();
            } else {
                cur.write(' ');
            }
            cur.write(raw, start, end - start);
            start = i + 1;
        }
        if (cur != null) {
            logical.add(cur.toByteArray());
        }
        for (byte[] line : logical) {
            String text = HeaderText.bytes(line);
            int colon = text.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = text.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            h.fields.computeIfAbsent(name, k -> new ArrayList<>()).add(text.substring(colon + 1).trim());
        }
        return h;
    }

    /** The first value, raw (encoded words not decoded), or {@code null}. */
    public String raw(String name) {
        List<String> v = fields.get(name.toLowerCase(Locale.ROOT));
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    /** All values of a field joined with {@code sep}, or {@code null}. */
    public String joined(String name, String sep) {
        List<String> v = fields.get(name.toLowerCase(Locale.ROOT));
        return v == null || v.isEmpty() ? null : String.join(sep, v);
    }

    /** The first value with encoded words decoded, or {@code null}. */
    public String text(String name) {
        return HeaderText.decodeWords(raw(name));
    }

    /** The first address of an address field (display name decoded), or {@code null}. */
    public InternetAddress firstAddress(String name) {
        String v = raw(name);
        if (v == null) {
            return null;
        }
        try {
            InternetAddress[] list = InternetAddress.parseHeader(v, false);
            for (InternetAddress a : list) {
                if (a.isGroup()) {
                    InternetAddress[] members = a.getGroup(false);
                    if (members != null && members.length > 0) {
                        return members[0];
                    }
                } else {
                    return a;
                }
            }
            return null;
        } catch (AddressException e) {
            InternetAddress odd = new InternetAddress();
            odd.setAddress(HeaderText.decodeWords(v));
            return odd;
        }
    }
}

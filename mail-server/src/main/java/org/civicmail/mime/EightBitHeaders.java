package org.civicmail.mime;

import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import javax.mail.Header;
import javax.mail.MessagingException;
import javax.mail.internet.AddressException;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeUtility;

/**
 * Rewrites raw 8-bit header fields (RFC 6532: UTF-8 without encoded words, as Chinese mail programs often send; or
 * GB18030 from older ones) as RFC 2047 encoded words, so that the text survives: once anything has read a header of
 * a James message, James writes the header section as US-ASCII, turning every such byte into "?" ("?????? &lt;service@…&gt;"
 * in every mail client). Address fields keep their structure (each display name and group name encoded, addresses
 * untouched); Subject and other unstructured fields are encoded whole; other structured fields (Content-*, Received,
 * Message-ID …) are left as they are. A header that is all ASCII is not touched. Stateless.
 */
public final class EightBitHeaders {
    private static final Set<String> ADDRESS_FIELDS = Set.of("from", "sender", "reply-to", "to", "cc", "bcc",
        "resent-from", "resent-sender", "resent-to", "resent-cc", "resent-bcc", "disposition-notification-to");
    private static final Set<String> UNSTRUCTURED_FIELDS = Set.of("subject", "comments", "keywords", "organization",
        "thread-topic");

    private EightBitHeaders() {
    }

    /** Rewrites {@code message}'s 8-bit header fields; true when it changed anything. */
    public static boolean encodeAll(MimeMessage message) throws MessagingException {
        Set<String> names = new LinkedHashSet<>();
        for (Header h : Collections.list(message.getAllHeaders())) {
            if (!isAscii(h.getValue()) && isEncodable(h.getName())) {
                names.add(h.getName());
            }
        }
        if (names.isEmpty()) {
            return false;
        }
        for (String name : names) {
            String[] values = message.getHeader(name);
            List<String> encoded = new ArrayList<>(values.length);
            for (String value : values) {
                encoded.add(isAscii(value) ? value : encode(name, value));
            }
            message.setHeader(name, encoded.get(0));
            for (String more : encoded.subList(1, encoded.size())) {
                message.addHeader(name, more);
            }
        }
        message.saveChanges();
        return true;
    }

    private static boolean isEncodable(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return ADDRESS_FIELDS.contains(n) || UNSTRUCTURED_FIELDS.contains(n) || n.startsWith("x-");
    }

    /** The field value with its non-ASCII text as encoded words; {@code raw} as javax.mail loaded it. */
    static String encode(String name, String raw) throws MessagingException {
        String text = MimeUtility.unfold(HeaderCharset.fromLatin1(raw)).strip();
        if (ADDRESS_FIELDS.contains(name.toLowerCase(Locale.ROOT))) {
            try {
                return MimeUtility.fold(name.length() + 2, addresses(text));
            } catch (AddressException | UnsupportedEncodingException unparseable) {
                // Not an address list a parser understands: keep its text readable at least.
            }
        }
        try {
            return MimeUtility.fold(name.length() + 2, MimeUtility.encodeText(text, StandardCharsets.UTF_8.name(), "B"));
        } catch (UnsupportedEncodingException e) {
            throw new MessagingException("UTF-8 is not available", e);
        }
    }

    private static String addresses(String text) throws AddressException, UnsupportedEncodingException {
        List<String> out = new ArrayList<>();
        for (InternetAddress a : InternetAddress.parseHeader(text, false)) {
            if (a.isGroup()) {
                String group = a.getAddress();
                String groupName = group.substring(0, group.indexOf(':')).strip();
                List<String> members = new ArrayList<>();
                for (InternetAddress m : a.getGroup(false)) {
                    members.add(mailbox(m));
                }
                out.add(phrase(groupName) + ": " + String.join(", ", members) + ";");
            } else {
                out.add(mailbox(a));
            }
        }
        return String.join(", ", out);
    }

    private static String mailbox(InternetAddress a) throws UnsupportedEncodingException {
        String personal = a.getPersonal();
        if (personal == null || personal.isEmpty()) {
            return a.getAddress();
        }
        return new InternetAddress(a.getAddress(), personal, StandardCharsets.UTF_8.name()).toString();
    }

    private static String phrase(String text) throws UnsupportedEncodingException {
        return isAscii(text) ? text : MimeUtility.encodeWord(text, StandardCharsets.UTF_8.name(), "B");
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 0x7F) {
                return false;
            }
        }
        return true;
    }
}

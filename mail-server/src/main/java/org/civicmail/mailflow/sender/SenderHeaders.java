package org.civicmail.mailflow.sender;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.mail.MessagingException;
import javax.mail.internet.AddressException;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeUtility;

/**
 * Reads who a message says it is from, the way a reader's client would show it: every From and every Sender field
 * (a duplicated field counts as many times as it appears), every address of a list, the members and the name of a
 * group ({@code x:a@b;}), RFC 2047 encoded words in display names and inside addresses decoded, raw UTF-8 header
 * bytes read as UTF-8. One parser for the inbound DATA rule and the display-name warning. Stateless.
 */
public final class SenderHeaders {
    public static final List<String> FIELDS = List.of("From", "Sender");
    /** Text a reader could take for an address: anything@something, up to a delimiter. */
    private static final Pattern ADDRESS_LIKE = Pattern.compile("[^\\s<>()\\[\\],;:\"@]+@[^\\s<>()\\[\\],;:\"@]+");
    private static final Pattern ENCODED_WORD = Pattern.compile("=\\?[^?\\s]+\\?[bBqQ]\\?[^?\\s]*\\?=");

    private SenderHeaders() {
    }

    /** Every sender shown by the message's From and Sender fields, in field order. */
    public static List<ShownSender> of(MimeMessage message) throws UnreadableSenderException {
        List<ShownSender> shown = new ArrayList<>();
        for (String field : FIELDS) {
            String[] values;
            try {
                values = message.getHeader(field);
            } catch (MessagingException e) {
                throw new UnreadableSenderException("the " + field + " header cannot be read: " + e.getMessage(), e);
            }
            if (values != null) {
                for (String value : values) {
                    shown.addAll(parse(field, value));
                }
            }
        }
        return shown;
    }

    /**
     * The senders one field value shows; {@code value} is the raw (possibly folded) field body. A field that is not
     * a valid address list (an unclosed quote or bracket: parsers disagree on where its addresses are) shows, besides
     * what a lenient parse finds, every address-like text in it, so nothing a reader might see escapes the checks.
     */
    public static List<ShownSender> parse(String field, String value) throws UnreadableSenderException {
        String unfolded = asUtf8(value.replaceAll("\r?\n(?=[ \t])", ""));
        List<ShownSender> shown = new ArrayList<>();
        InternetAddress[] parsed;
        try {
            parsed = InternetAddress.parseHeader(unfolded, true);
        } catch (AddressException strictFailure) {
            try {
                parsed = InternetAddress.parseHeader(unfolded, false);
            } catch (AddressException e) {
                throw new UnreadableSenderException(field + ": '" + printable(unfolded) + "' is not an address list ("
                    + e.getMessage() + "); write it as Name <local@domain>", e);
            }
            Matcher m = ADDRESS_LIKE.matcher(decoded(unfolded));
            while (m.find()) {
                shown.add(new ShownSender(field, "", Optional.of(m.group().toLowerCase(Locale.ROOT))));
            }
        }
        for (InternetAddress a : parsed) {
            if (a.isGroup()) {
                String spec = a.getAddress();
                shown.add(new ShownSender(field, decoded(spec.substring(0, spec.indexOf(':')).trim()), Optional.empty()));
                try {
                    for (InternetAddress member : a.getGroup(false)) {
                        shown.add(mailbox(field, member));
                    }
                } catch (AddressException e) {
                    throw new UnreadableSenderException(field + ": the group '" + printable(spec) + "' has a member that is not an address ("
                        + e.getMessage() + ")", e);
                }
            } else {
                shown.add(mailbox(field, a));
            }
        }
        return shown;
    }

    private static ShownSender mailbox(String field, InternetAddress a) {
        String personal = a.getPersonal() == null ? "" : asUtf8(a.getPersonal());
        String address = a.getAddress() == null ? "" : decoded(a.getAddress());
        return new ShownSender(field, personal.trim(), Optional.of(address.toLowerCase(Locale.ROOT)));
    }

    /** Encoded words decoded wherever they stand (clients decode them inside addresses too, against RFC 2047). */
    private static String decoded(String text) {
        Matcher m = ENCODED_WORD.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String word;
            try {
                word = MimeUtility.decodeWord(m.group());
            } catch (java.io.UnsupportedEncodingException | javax.mail.internet.ParseException | RuntimeException e) {
                word = m.group();
            }
            m.appendReplacement(out, Matcher.quoteReplacement(word));
        }
        m.appendTail(out);
        return asUtf8(out.toString().replace("\"", ""));
    }

    /**
     * javax.mail reads 8-bit header bytes as ISO-8859-1; a client shows them as UTF-8 (RFC 6532). When the
     * characters are a valid UTF-8 byte sequence, they are read as UTF-8, so "杭州市税务局" sent raw is seen as such.
     */
    static String asUtf8(String text) {
        boolean high = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c > 0xFF) {
                return text;
            }
            high |= c >= 0x80;
        }
        if (!high) {
            return text;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(java.nio.ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1))).toString();
        } catch (CharacterCodingException e) {
            return text;
        }
    }

    private static String printable(String s) {
        String p = s.replaceAll("[\\p{Cntrl}]", "?");
        return p.length() <= 120 ? p : p.substring(0, 117) + "...";
    }
}

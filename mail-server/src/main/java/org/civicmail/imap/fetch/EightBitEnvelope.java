package org.civicmail.imap.fetch;

import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import javax.mail.internet.MimeUtility;

import org.apache.james.imap.message.response.FetchResponse.Envelope;
import org.apache.james.imap.message.response.FetchResponse.Envelope.Address;
import org.civicmail.mime.HeaderCharset;

/**
 * ENVELOPE text of a message whose header carries raw 8-bit bytes (RFC 6532), as stored by IMAP {@code APPEND}
 * (mail arriving by SMTP has them turned into encoded words at DATA by {@link org.civicmail.mime.EightBitHeadersHook}).
 * James 3.8.1 reads such bytes as ISO-8859-1: the subject then goes out as one {@code ?} per byte and a display name
 * as an {@code =?ISO-8859-1?...?=} word of the same mojibake. Both are read again as UTF-8, else GB18030
 * ({@link HeaderCharset#fromLatin1}), and sent as UTF-8 encoded words, so the ENVELOPE stays ASCII as for SMTP mail.
 */
final class EightBitEnvelope {
    private static final String LATIN1_WORD = "=?ISO-8859-1?";

    private EightBitEnvelope() {
    }

    /** Whether James's envelope shows the marks of raw 8-bit header bytes read as Latin-1. */
    static boolean suspect(Envelope envelope) {
        return latin1Text(envelope.getSubject()) || Arrays.asList(envelope.getFrom(), envelope.getSender(),
                envelope.getReplyTo(), envelope.getTo(), envelope.getCc(), envelope.getBcc()).stream()
            .filter(addresses -> addresses != null)
            .flatMap(Arrays::stream)
            .anyMatch(a -> latin1Word(a.getPersonalName()));
    }

    /**
     * Only a header with raw 8-bit bytes is re-read: a sender's own {@code =?ISO-8859-1?...?=} word in a 7-bit header
     * ("José") is genuine Latin-1 and stays as James gives it.
     */
    static boolean hasRawEightBitHeader(byte[] message) {
        for (int i = 0; i < message.length; i++) {
            byte b = message[i];
            if (b == '\n' && (i + 1 < message.length && message[i + 1] == '\n'
                || i + 2 < message.length && message[i + 1] == '\r' && message[i + 2] == '\n')) {
                return false;
            }
            if (b < 0) {
                return true;
            }
        }
        return false;
    }

    static Envelope decoded(Envelope envelope) {
        String subject = latin1Text(envelope.getSubject()) ? word(HeaderCharset.fromLatin1(envelope.getSubject()))
            : envelope.getSubject();
        return new EnvelopeNames.NamedEnvelope(envelope, subject, decoded(envelope.getFrom()), decoded(envelope.getSender()),
            decoded(envelope.getReplyTo()), decoded(envelope.getTo()), decoded(envelope.getCc()), decoded(envelope.getBcc()));
    }

    private static Address[] decoded(Address[] addresses) {
        if (addresses == null) {
            return null;
        }
        return Arrays.stream(addresses).map(a -> {
            if (!latin1Word(a.getPersonalName())) {
                return a;
            }
            try {
                String name = HeaderCharset.fromLatin1(MimeUtility.decodeText(a.getPersonalName()));
                return new EnvelopeNames.NamedAddress(word(name), a.getAtDomainList(), a.getMailboxName(), a.getHostName());
            } catch (UnsupportedEncodingException e) {
                return a;
            }
        }).toArray(Address[]::new);
    }

    private static String word(String text) {
        try {
            return MimeUtility.encodeText(text, StandardCharsets.UTF_8.name(), "B");
        } catch (UnsupportedEncodingException e) {
            throw new IllegalStateException("UTF-8 is not available", e);
        }
    }

    private static boolean latin1Text(String text) {
        if (text == null) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 0x80 && c <= 0xFF) {
                return true;
            }
        }
        return false;
    }

    private static boolean latin1Word(String name) {
        return name != null && name.regionMatches(true, 0, LATIN1_WORD, 0, LATIN1_WORD.length());
    }
}

package org.civicmail.imap.fetch;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

import org.apache.james.imap.message.response.FetchResponse.Envelope;
import org.apache.james.imap.message.response.FetchResponse.Envelope.Address;

/**
 * ENVELOPE addresses (RFC 3501 section 7.4.2) as Dovecot gives them, where James 3.8.1 does not:
 * <ul>
 * <li>named from a comment when they have no display name: {@code From: user@host (Real Name)} becomes
 * {@code ("Real Name" NIL "user" "host")} (James drops the comment and answers NIL);</li>
 * <li>a display name with specials ({@code "Li, Ming" <li@host>}) is the phrase {@code Li, Ming}: James re-quotes it
 * for a header and the IMAP string then carries the quotes too ({@code ""Li, Ming""}).</li>
 * </ul>
 */
final class EnvelopeNames {
    private EnvelopeNames() {
    }

    static boolean hasNamelessAddress(Envelope envelope) {
        return addresses(envelope).anyMatch(EnvelopeNames::nameless);
    }

    static boolean hasQuotedName(Envelope envelope) {
        return addresses(envelope).anyMatch(a -> quoted(a.getPersonalName()));
    }

    private static java.util.stream.Stream<Address> addresses(Envelope envelope) {
        return Arrays.asList(envelope.getFrom(), envelope.getSender(), envelope.getReplyTo(), envelope.getTo(),
                envelope.getCc(), envelope.getBcc()).stream()
            .filter(addresses -> addresses != null)
            .flatMap(Arrays::stream);
    }

    private static boolean quoted(String name) {
        return name != null && name.length() >= 2 && name.startsWith("\"") && name.endsWith("\"");
    }

    /** The phrase inside a quoted-string (RFC 5322 section 3.2.4): quotes removed, quoted-pairs undone. */
    private static String unquoted(String name) {
        return name.substring(1, name.length() - 1).replaceAll("\\\\(.)", "$1");
    }

    /** Group markers (no host) are not mailboxes and stay as they are. */
    private static boolean nameless(Address address) {
        return address.getPersonalName() == null && address.getHostName() != null && address.getMailboxName() != null;
    }

    /** @param header the message's header; needed only when {@link #hasNamelessAddress} */
    static Envelope corrected(Envelope envelope, MimeNode header) {
        Map<String, String> from = names(header, "From");
        Address[] named = named(envelope.getFrom(), from);
        // RFC 3501: without Sender or Reply-To, the server fills them from From.
        Address[] sender = named(envelope.getSender(), names(header, "Sender"), from);
        Address[] replyTo = named(envelope.getReplyTo(), names(header, "Reply-To"), from);
        Address[] to = named(envelope.getTo(), names(header, "To"));
        Address[] cc = named(envelope.getCc(), names(header, "Cc"));
        Address[] bcc = named(envelope.getBcc(), names(header, "Bcc"));
        return new NamedEnvelope(envelope, envelope.getSubject(), named, sender, replyTo, to, cc, bcc);
    }

    private static Map<String, String> names(MimeNode header, String field) {
        return header == null ? Map.of() : header.field(field).map(CommentNames::of).orElse(Map.of());
    }

    @SafeVarargs
    private static Address[] named(Address[] addresses, Map<String, String>... sources) {
        if (addresses == null) {
            return null;
        }
        return Arrays.stream(addresses).map(address -> {
            if (quoted(address.getPersonalName())) {
                return new NamedAddress(unquoted(address.getPersonalName()), address.getAtDomainList(), address.getMailboxName(),
                    address.getHostName());
            }
            if (!nameless(address)) {
                return address;
            }
            String key = (address.getMailboxName() + "@" + address.getHostName()).toLowerCase(Locale.ROOT);
            for (Map<String, String> names : sources) {
                String name = names.get(key);
                if (name != null) {
                    return new NamedAddress(name, address.getAtDomainList(), address.getMailboxName(), address.getHostName());
                }
            }
            return address;
        }).toArray(Address[]::new);
    }

    record NamedAddress(String getPersonalName, String getAtDomainList, String getMailboxName, String getHostName)
        implements Address {
    }

    /** James's envelope with other addresses and subject; date and ids as James gave them. */
    record NamedEnvelope(Envelope original, String getSubject, Address[] getFrom, Address[] getSender, Address[] getReplyTo,
                         Address[] getTo, Address[] getCc, Address[] getBcc) implements Envelope {
        @Override
        public String getDate() {
            return original.getDate();
        }

        @Override
        public String getInReplyTo() {
            return original.getInReplyTo();
        }

        @Override
        public String getMessageId() {
            return original.getMessageId();
        }
    }
}

package org.civicmail.imap.fetch;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

import org.apache.james.imap.api.message.SectionType;

/**
 * The content of {@code BODY[section]} for a section with a part number, by the rules of RFC 3501 section 6.4.5:
 * a non-multipart message has only part 1, its body; the parts of a multipart are numbered in order; a part of type
 * message/rfc822 has the parts of the message it encapsulates (part 1 of that message is its body when it is not
 * multipart). HEADER, HEADER.FIELDS[.NOT] and TEXT after a part number apply to the message a message/rfc822 part
 * encapsulates; MIME is the part's own header. A part that does not exist is empty, as in Dovecot.
 */
final class BodySections {
    private static final byte[] NOTHING = new byte[0];

    private BodySections() {
    }

    static byte[] content(byte[] message, int[] path, SectionType type, Collection<String> fieldNames) {
        Optional<MimeNode> part = part(MimeNode.message(message), path);
        if (part.isEmpty()) {
            return NOTHING;
        }
        MimeNode p = part.get();
        return switch (type) {
            case CONTENT -> p.body();
            case MIME -> p.header();
            case HEADER -> p.encapsulatesMessage() ? p.encapsulated().header() : NOTHING;
            case TEXT -> p.encapsulatesMessage() ? p.encapsulated().body() : NOTHING;
            case HEADER_FIELDS -> p.encapsulatesMessage() ? p.encapsulated().headerFields(fieldNames, true) : NOTHING;
            case HEADER_NOT_FIELDS -> p.encapsulatesMessage() ? p.encapsulated().headerFields(fieldNames, false) : NOTHING;
        };
    }

    private static Optional<MimeNode> part(MimeNode message, int[] path) {
        List<MimeNode> candidates = partsOf(message);
        MimeNode found = null;
        for (int number : path) {
            if (number < 1 || number > candidates.size()) {
                return Optional.empty();
            }
            found = candidates.get(number - 1);
            candidates = children(found);
        }
        return Optional.ofNullable(found);
    }

    /** The numbered parts of a message: its body parts, or the message itself as part 1 when it is not multipart. */
    private static List<MimeNode> partsOf(MimeNode message) {
        return message.isMultipart() ? message.bodyParts() : List.of(message);
    }

    private static List<MimeNode> children(MimeNode part) {
        if (part.isMultipart()) {
            return part.bodyParts();
        }
        if (part.encapsulatesMessage()) {
            return partsOf(part.encapsulated());
        }
        return List.of();
    }
}

package org.civicmail.verdict.check;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.civicmail.verdict.SignatureVerdict;
import org.civicmail.verdict.SignatureVerdict.Reason;
import org.civicmail.verdict.mime.AddressList;
import org.civicmail.verdict.mime.ContentType;
import org.civicmail.verdict.mime.EncodedWords;
import org.civicmail.verdict.mime.Mailbox;
import org.civicmail.verdict.mime.MalformedMessageException;
import org.civicmail.verdict.mime.MimeEntity;

/**
 * Step 8, headers (RFC 9788 header protection). When the signed entity's Content-Type has an {@code hp} parameter,
 * its own header section carries the signed copies of {@link #PROTECTED}; each must match the outer header field
 * (presence, and value compared unfolded, whitespace-collapsed and RFC 2047-decoded; address fields as address
 * lists, addresses case-insensitive). Any difference: {@code header-mismatch} naming every changed field. Without
 * {@code hp} the signature is valid but does not cover these fields: {@code headers=unprotected}.
 */
public final class HeaderProtectionStep implements VerificationStep {
    public static final List<String> PROTECTED = List.of("From", "To", "Cc", "Subject", "Date", "Message-ID", "Reply-To");
    private static final List<String> ADDRESS_FIELDS = List.of("From", "To", "Cc", "Reply-To");

    @Override
    public Optional<SignatureVerdict> check(Evidence e) {
        Optional<ContentType> type;
        try {
            type = e.signedEntity.contentType();
        } catch (MalformedMessageException ex) {
            return Optional.of(e.invalid(Reason.MALFORMED, ex.getMessage()));
        }
        if (type.isEmpty() || type.get().parameter("hp").isEmpty()) {
            e.headersUnprotected = true;
            return Optional.empty();
        }
        List<String> changed = changedFields(e.signedEntity, e.message);
        if (!changed.isEmpty()) {
            return Optional.of(e.invalid(Reason.HEADER_MISMATCH, "the signed copy of " + String.join(", ", changed)
                + " differs from the message's header").withChangedHeaders(changed));
        }
        return Optional.empty();
    }

    /** The protected fields whose signed copy ({@code inner}) differs from the visible one ({@code outer}), in {@link #PROTECTED} order. */
    public static List<String> changedFields(MimeEntity inner, MimeEntity outer) {
        List<String> changed = new ArrayList<>();
        for (String name : PROTECTED) {
            List<String> signed = normalised(name, inner.values(name));
            List<String> shown = normalised(name, outer.values(name));
            if (!signed.equals(shown)) {
                changed.add(name);
            }
        }
        return changed;
    }

    private static List<String> normalised(String name, List<String> values) {
        List<String> out = new ArrayList<>();
        for (String value : values) {
            if (ADDRESS_FIELDS.contains(name)) {
                StringBuilder list = new StringBuilder();
                for (Mailbox m : AddressList.parse(value)) {
                    list.append(m.displayName()).append(" <").append(m.address().toLowerCase(Locale.ROOT)).append(">")
                        .append(m.inGroup() ? " (group)" : "").append(';');
                }
                out.add(list.toString());
            } else {
                out.add(EncodedWords.decode(value.replaceAll("[\\r\\n]", "")).replaceAll("\\s+", " ").trim());
            }
        }
        return out;
    }
}

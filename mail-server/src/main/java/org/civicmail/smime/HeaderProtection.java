package org.civicmail.smime;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import javax.mail.internet.ContentType;

import org.civicmail.verdict.check.HeaderProtectionStep;

/**
 * RFC 9788 header protection for signed-only mail, as the signer writes it: the Cryptographic Payload root (part 1
 * of {@code multipart/signed}) gets {@code hp="clear"} on its Content-Type and, in its own header section, a copy of
 * each protected field the outer header has, the very same lines (folding and encoding included), so that inner and
 * outer compare equal. The outer header is left as it is, so a client that knows nothing of RFC 9788 (Thunderbird
 * today) shows the message as before. Stateless.
 */
final class HeaderProtection {
    /** The fields the signature covers, lower case: the very list the shared verifier compares. */
    static final Set<String> PROTECTED_FIELDS = HeaderProtectionStep.PROTECTED.stream().map(f -> f.toLowerCase(Locale.ROOT))
        .collect(Collectors.toUnmodifiableSet());
    static final String PARAMETER = "hp";
    static final String CLEAR = "clear";

    private HeaderProtection() {
    }

    /** The payload root marked {@code hp="clear"} and carrying copies of the protected fields of {@code outerHeaderLines}. */
    static MimeEntity protect(MimeEntity payloadRoot, List<String> outerHeaderLines) {
        List<String> lines = new ArrayList<>(payloadRoot.headerLines().size() + PROTECTED_FIELDS.size() + 1);
        String contentType = null;
        for (String line : payloadRoot.headerLines()) {
            if (MimeEntity.name(line).equals("content-type") && contentType == null) {
                contentType = line;
            } else if (!PROTECTED_FIELDS.contains(MimeEntity.name(line))) {
                lines.add(line);
            }
        }
        lines.add(0, "Content-Type: " + withHp(contentType == null ? "text/plain; charset=us-ascii" : MimeEntity.value(contentType)));
        outerHeaderLines.stream().filter(l -> PROTECTED_FIELDS.contains(MimeEntity.name(l))).forEach(lines::add);
        return new MimeEntity(lines, payloadRoot.body());
    }

    /** The Content-Type value with {@code hp="clear"}; other parameters keep their spelling unless one was already hp. */
    private static String withHp(String contentType) {
        ContentType parsed = SevenBitContent.contentType(new MimeEntity(List.of("Content-Type: " + contentType), new byte[0]));
        if (parsed.getParameter(PARAMETER) == null) {
            return contentType.replaceAll("[;\\s]+$", "") + "; " + PARAMETER + "=\"" + CLEAR + "\"";
        }
        parsed.getParameterList().remove(PARAMETER);
        parsed.setParameter(PARAMETER, CLEAR);
        return parsed.toString();
    }
}

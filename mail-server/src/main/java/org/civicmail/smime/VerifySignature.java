package org.civicmail.smime;

import java.time.Clock;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

import javax.inject.Inject;
import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.apache.mailet.Mail;
import org.civicmail.mailflow.ParameterlessMailet;
import org.civicmail.account.AccountClass;
import org.civicmail.mailflow.sender.SenderHeaders;
import org.civicmail.mailflow.sender.ShownSender;
import org.civicmail.mailflow.sender.UnreadableSenderException;
import org.civicmail.config.CivicMailConfig;
import org.civicmail.verdict.SignatureVerdict;
import org.civicmail.verdict.SignatureVerifier;
import org.civicmail.verdict.VerdictHeader;
import org.civicmail.verdict.WarningHeader;
import org.civicmail.verdict.WarningHeader.Warning;

/**
 * Checks the signature of every message delivered to a city mailbox with the shared {@link SignatureVerifier}
 * (certificate validity judged now, at arrival) and records the result in {@code X-CivicMail-Signature}; mail whose
 * From is in the official domain but that is not validly signed gets {@code X-CivicMail-Warning:
 * unsigned-official-sender}. Initialised once; {@link #service} runs concurrently.
 */
public class VerifySignature extends ParameterlessMailet {
    private final SignatureVerifier verifier;
    private final CivicMailConfig config;
    private final Clock clock;

    @Inject
    public VerifySignature(SignatureVerifier verifier, CivicMailConfig config) {
        this(verifier, config, Clock.systemUTC());
    }

    VerifySignature(SignatureVerifier verifier, CivicMailConfig config, Clock clock) {
        this.verifier = verifier;
        this.config = config;
        this.clock = clock;
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        MimeMessage message = mail.getMessage();
        SignatureVerdict verdict = verifier.verify(MessageBytes.of(message), clock.instant());
        message.setHeader(VerdictHeader.NAME, verdict.headerValue());
        Set<Warning> warnings = EnumSet.noneOf(Warning.class);
        warnings.addAll(WarningHeader.parse(String.join(",", headers(message, WarningHeader.NAME))));
        warnings.remove(Warning.UNSIGNED_OFFICIAL_SENDER);
        if (!verdict.isValid() && claimsOfficialSender(message)) {
            warnings.add(Warning.UNSIGNED_OFFICIAL_SENDER);
        }
        message.removeHeader(WarningHeader.NAME);
        if (!warnings.isEmpty()) {
            message.setHeader(WarningHeader.NAME, WarningHeader.format(warnings));
        }
        message.saveChanges();
    }

    private static String[] headers(MimeMessage message, String name) throws MessagingException {
        String[] values = message.getHeader(name);
        return values == null ? new String[0] : values;
    }

    /**
     * Whether any sender a reader is shown (every From and Sender field, each address of a list, group members,
     * encoded words decoded: the city-domain rule's own reading, {@link SenderHeaders}) is in the official domain or
     * under it. A sender field no parser can read is a claim when its text names the official domain.
     */
    private boolean claimsOfficialSender(MimeMessage message) throws MessagingException {
        String official = config.domain(AccountClass.OFFICIAL).toLowerCase(Locale.ROOT);
        try {
            for (ShownSender sender : SenderHeaders.of(message)) {
                for (String domain : sender.domains()) {
                    String d = domain.toLowerCase(Locale.ROOT).replaceAll("\\.+$", "");
                    if (d.equals(official) || d.endsWith("." + official)) {
                        return true;
                    }
                }
            }
            return false;
        } catch (UnreadableSenderException e) {
            for (String field : SenderHeaders.FIELDS) {
                for (String value : headers(message, field)) {
                    if (value.toLowerCase(Locale.ROOT).contains(official)) {
                        return true;
                    }
                }
            }
            return false;
        }
    }
}

package org.civicmail.smime;

import java.time.Clock;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

import javax.inject.Inject;
import javax.mail.Address;
import javax.mail.MessagingException;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeMessage;

import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.civicmail.mailbox.AccountClass;
import org.civicmail.server.config.CivicMailConfig;
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
public class VerifySignature extends GenericMailet {
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
    public void init() throws MessagingException {
        checkInitParameters(java.util.Set.of());
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

    private boolean claimsOfficialSender(MimeMessage message) throws MessagingException {
        String official = "@" + config.domain(AccountClass.OFFICIAL);
        Address[] from;
        try {
            from = message.getFrom();
        } catch (MessagingException e) {
            return false;
        }
        if (from == null) {
            return false;
        }
        for (Address a : from) {
            String address = a instanceof InternetAddress ia ? ia.getAddress() : a.toString();
            if (address != null && address.toLowerCase(Locale.ROOT).endsWith(official)) {
                return true;
            }
        }
        return false;
    }
}

package org.civicmail.smime;

import java.util.Locale;

import javax.inject.Inject;
import javax.mail.Address;
import javax.mail.MessagingException;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeMessage;

import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.civicmail.mailbox.AccountClass;
import org.civicmail.server.config.CivicMailConfig;

/**
 * Checks the signature of every message delivered to a city mailbox and records the result in
 * {@code X-CivicMail-Signature}; mail whose From is in the official domain but that is not validly signed gets
 * {@code X-CivicMail-Warning: unsigned-official-sender}. Initialised once; {@link #service} runs concurrently.
 */
public class VerifySignature extends GenericMailet {
    private final SmimeVerifier verifier;
    private final CivicMailConfig config;

    @Inject
    public VerifySignature(SmimeVerifier verifier, CivicMailConfig config) {
        this.verifier = verifier;
        this.config = config;
    }

    @Override
    public void init() throws MessagingException {
        checkInitParameters(java.util.Set.of());
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        MimeMessage message = mail.getMessage();
        SignatureVerdict verdict = verifier.verify(message);
        message.setHeader(SignatureVerdict.HEADER, verdict.headerValue());
        message.removeHeader(SignatureVerdict.WARNING_HEADER);
        if (!verdict.isValid() && claimsOfficialSender(message)) {
            message.setHeader(SignatureVerdict.WARNING_HEADER, SignatureVerdict.UNSIGNED_OFFICIAL_WARNING);
        }
        message.saveChanges();
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

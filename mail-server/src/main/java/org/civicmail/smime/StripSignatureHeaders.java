package org.civicmail.smime;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.apache.mailet.Mail;
import org.civicmail.mailflow.ParameterlessMailet;
import org.civicmail.verdict.VerdictHeader;
import org.civicmail.verdict.WarningHeader;

/**
 * Removes any {@code X-CivicMail-Signature} / {@code X-CivicMail-Warning} a message brings with it, so only the
 * server's own verification can set them. Runs first, on every message. Stateless and thread-safe.
 */
public class StripSignatureHeaders extends ParameterlessMailet {
    @Override
    public void service(Mail mail) throws MessagingException {
        MimeMessage message = mail.getMessage();
        if (message.getHeader(VerdictHeader.NAME) != null || message.getHeader(WarningHeader.NAME) != null) {
            message.removeHeader(VerdictHeader.NAME);
            message.removeHeader(WarningHeader.NAME);
            message.saveChanges();
        }
    }
}

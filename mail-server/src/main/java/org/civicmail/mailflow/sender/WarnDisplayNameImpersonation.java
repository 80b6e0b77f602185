package org.civicmail.mailflow.sender;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import javax.inject.Inject;
import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.apache.mailet.Mail;
import org.civicmail.mailflow.ParameterlessMailet;
import org.civicmail.verdict.WarningHeader;
import org.civicmail.verdict.WarningHeader.Warning;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adds {@code display-name-impersonation} to {@code X-CivicMail-Warning} (beside any warning already there, comma
 * separated) when a From or Sender display name pretends to be someone else ({@link DisplayNameImpersonation}).
 * Runs in the local-delivery path after {@code VerifySignature}, which sets the header afresh. Initialised once;
 * {@link #service} runs concurrently.
 */
public class WarnDisplayNameImpersonation extends ParameterlessMailet {
    private static final Logger LOG = LoggerFactory.getLogger(WarnDisplayNameImpersonation.class);
    private final RegisteredNames names;

    @Inject
    public WarnDisplayNameImpersonation(RegisteredNames names) {
        this.names = names;
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        MimeMessage message = mail.getMessage();
        List<ShownSender> shown;
        try {
            shown = SenderHeaders.of(message);
        } catch (UnreadableSenderException e) {
            // Refused at DATA when it comes over SMTP; mail the server made itself has nothing to compare.
            LOG.debug("Mail {}: {}", mail.getName(), e.getMessage());
            return;
        }
        RegisteredNames.Snapshot registered = names.current();
        if (shown.stream().anyMatch(s -> DisplayNameImpersonation.impersonates(s, registered))) {
            addWarning(message, Warning.DISPLAY_NAME_IMPERSONATION);
            message.saveChanges();
        }
    }

    /** Adds {@code warning} to the message's warnings through the shared codec (comma separated, each once). */
    static void addWarning(MimeMessage message, Warning warning) throws MessagingException {
        Set<Warning> warnings = EnumSet.noneOf(Warning.class);
        warnings.addAll(WarningHeader.parse(message.getHeader(WarningHeader.NAME, ",")));
        warnings.add(warning);
        message.setHeader(WarningHeader.NAME, WarningHeader.format(warnings));
    }
}

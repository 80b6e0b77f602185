package org.civicmail.mailbox.smtp;

import javax.inject.Inject;
import javax.mail.Address;
import javax.mail.MessagingException;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeMessage;

import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.smtpserver.JamesMessageHook;
import org.apache.mailet.Mail;
import org.civicmail.server.config.CivicMailConfig;

/**
 * The From header is what a reader sees, so it gets the envelope's rule: an authenticated account's From (and
 * Sender) must be its own address; unauthenticated mail may not carry a city address in From.
 */
public class FromHeaderIdentityHook implements JamesMessageHook {
    private final CivicMailConfig config;

    @Inject
    public FromHeaderIdentityHook(CivicMailConfig config) {
        this.config = config;
    }

    @Override
    public HookResult onMessage(SMTPSession session, Mail mail) {
        try {
            MimeMessage message = mail.getMessage();
            Address[] from = message.getFrom();
            String user = session.getUsername() == null ? null : session.getUsername().asString();
            if (user != null && (from == null || from.length == 0)) {
                return SmtpRefusal.deny("550", "5.7.1 Message has no From header; use From: <" + user + ">");
            }
            for (Address a : from == null ? new Address[0] : from) {
                String address = ((InternetAddress) a).getAddress();
                if (user != null && !user.equalsIgnoreCase(address)) {
                    return SmtpRefusal.deny("550", "5.7.1 From: <" + address + "> is not your mailbox; "
                        + "you are authenticated as " + user);
                }
                if (user == null && address != null && address.contains("@")
                        && config.isLocal(address.substring(address.lastIndexOf('@') + 1))) {
                    return SmtpRefusal.deny("550", "5.7.1 From: <" + address + "> is a city mailbox but the message "
                        + "was not submitted by it; forged city senders are refused");
                }
            }
            String[] senderHeader = message.getHeader("Sender");
            if (user != null && senderHeader != null) {
                String sender = new InternetAddress(senderHeader[0]).getAddress();
                if (!user.equalsIgnoreCase(sender)) {
                    return SmtpRefusal.deny("550", "5.7.1 Sender: <" + sender + "> is not your mailbox");
                }
            }
            return HookResult.DECLINED;
        } catch (MessagingException | ClassCastException e) {
            return SmtpRefusal.deny("554", "5.6.0 The From or Sender header cannot be parsed: fix the header syntax");
        }
    }
}

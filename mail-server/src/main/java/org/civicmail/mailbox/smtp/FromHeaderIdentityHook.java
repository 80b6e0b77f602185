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

/**
 * The From header is what a reader sees, so it gets the envelope's rule: an authenticated account's From (and
 * Sender) must be its own address. Mail from outside that shows a city address in From is accepted (a
 * validly signed official message may come back through a forwarder) and judged by its signature on
 * delivery: {@code VerifySignature} warns the reader when it is not validly signed.
 */
public class FromHeaderIdentityHook implements JamesMessageHook {
    @Inject
    public FromHeaderIdentityHook() {
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

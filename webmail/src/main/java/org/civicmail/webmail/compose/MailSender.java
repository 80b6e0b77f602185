package org.civicmail.webmail.compose;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeMessage;
import java.util.Properties;
import javax.net.ssl.SSLSocketFactory;
import org.civicmail.webmail.config.WebmailConfig;

/**
 * Sends through the mail server's submission port (STARTTLS when configured, then AUTH), so the server applies
 * its policy and signs official mail. With no user password (certificate login) it authenticates with the master
 * user's password under the name {@code MASTERLOCALPART*USER} (e.g. {@code civicmail-admin*li.na@…}): James drops the SASL authorization id of AUTH PLAIN, and the
 * server accepts this form only with the master's password, then treats the session as USER's own (so the mail
 * is checked and signed as that user). Thread-safe.
 */
public final class MailSender {

    private final WebmailConfig config;
    private final SSLSocketFactory tls;

    public MailSender(WebmailConfig config, SSLSocketFactory tls) {
        this.config = config;
        this.tls = tls;
    }

    public void send(MimeMessage message, String user, String password) throws MessagingException {
        Properties props = new Properties();
        props.put("mail.smtp.auth", "true");
        props.put("mail.smtp.connectiontimeout", "10000");
        props.put("mail.smtp.timeout", "30000");
        props.put("mail.smtp.writetimeout", "30000");
        if (config.submissionStartTls()) {
            props.put("mail.smtp.starttls.enable", "true");
            props.put("mail.smtp.starttls.required", "true");
            props.put("mail.smtp.ssl.checkserveridentity", "true");
            if (tls != null) {
                props.put("mail.smtp.ssl.socketFactory", tls);
            }
        }
        String login = user;
        String secret = password;
        if (password == null) {
            if (config.masterUser() == null) {
                throw new MessagingException("no password for " + user + " and no " + WebmailConfig.MASTER_USER);
            }
            login = config.masterUser().substring(0, config.masterUser().indexOf('@')) + "*" + user;
            secret = new String(config.masterPassword());
        }
        Session session = Session.getInstance(props);
        try (Transport t = session.getTransport("smtp")) {
            t.connect(config.submissionHost(), config.submissionPort(), login, secret);
            message.saveChanges();
            t.sendMessage(message, message.getAllRecipients());
        }
    }
}

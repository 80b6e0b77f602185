package org.civicmail.webmail.compose;

import jakarta.activation.DataHandler;
import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import java.util.Date;
import org.civicmail.webmail.imap.ImapConnector;

/**
 * The notice a citizen's "举报" sends to the city's administrators: who reports, a line of explanation, and the
 * reported message attached unchanged as {@code message/rfc822} (so its signature and headers can be examined).
 */
public final class AbuseReport {

    private AbuseReport() {}

    public static MimeMessage build(String reporter, String reportAddress, String subject, byte[] original)
            throws MessagingException {
        MimeMessage m = new MimeMessage(ImapConnector.parsingSession());
        m.setFrom(new InternetAddress(reporter));
        m.setRecipients(MimeMessage.RecipientType.TO, InternetAddress.parse(reportAddress, true));
        m.setSubject("[举报 / Report] " + (subject == null ? "" : subject.replaceAll("[\\r\\n]+", " ")), "UTF-8");
        m.setSentDate(new Date());
        MimeMultipart mixed = new MimeMultipart("mixed");
        MimeBodyPart text = new MimeBodyPart();
        text.setText(reporter + " 通过网页邮箱举报了附件中的邮件（可疑或冒充）。\n"
                + reporter + " reported the attached message as suspicious or impersonating.\n", "UTF-8");
        mixed.addBodyPart(text);
        MimeBodyPart attached = new MimeBodyPart();
        attached.setDataHandler(new DataHandler(new ByteArrayDataSource(original, "message/rfc822")));
        attached.setDisposition(Part.ATTACHMENT);
        attached.setFileName("reported.eml");
        mixed.addBodyPart(attached);
        m.setContent(mixed);
        m.saveChanges();
        return m;
    }
}

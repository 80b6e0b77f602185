package org.civicmail.webmail.testkit;

import jakarta.activation.DataHandler;
import jakarta.mail.Flags;
import jakarta.mail.Message;
import jakarta.mail.Part;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import java.time.Instant;
import java.util.Date;

/** Unsigned test messages. */
public final class Mails {

    private Mails() {}

    public static MimeMessage text(String from, String to, String subject, String body) throws Exception {
        MimeMessage m = new MimeMessage(TestPki.session());
        m.setFrom(new InternetAddress(from));
        m.setRecipients(MimeMessage.RecipientType.TO, to);
        m.setSubject(subject, "UTF-8");
        m.setSentDate(new Date());
        m.setText(body, "UTF-8");
        m.saveChanges();
        return TestPki.reparse(TestPki.bytes(m));
    }

    public static MimeMessage html(String from, String to, String subject, String html) throws Exception {
        MimeMessage m = new MimeMessage(TestPki.session());
        m.setFrom(new InternetAddress(from));
        m.setRecipients(MimeMessage.RecipientType.TO, to);
        m.setSubject(subject, "UTF-8");
        m.setSentDate(Date.from(Instant.now()));
        m.setContent(html, "text/html; charset=UTF-8");
        m.saveChanges();
        return TestPki.reparse(TestPki.bytes(m));
    }

    /** Text body plus attachments given as name, content type, bytes triples. */
    public static MimeMessage withAttachments(String from, String to, String subject, String body, Object... files)
            throws Exception {
        MimeMessage m = new MimeMessage(TestPki.session());
        m.setFrom(new InternetAddress(from));
        m.setRecipients(MimeMessage.RecipientType.TO, to);
        m.setSubject(subject, "UTF-8");
        MimeMultipart mixed = new MimeMultipart("mixed");
        MimeBodyPart t = new MimeBodyPart();
        t.setText(body, "UTF-8");
        mixed.addBodyPart(t);
        for (int i = 0; i < files.length; i += 3) {
            MimeBodyPart a = new MimeBodyPart();
            a.setDataHandler(new DataHandler(new ByteArrayDataSource((byte[]) files[i + 2], (String) files[i + 1])));
            a.setFileName((String) files[i]);
            a.setDisposition(Part.ATTACHMENT);
            mixed.addBodyPart(a);
        }
        m.setContent(mixed);
        m.saveChanges();
        return TestPki.reparse(TestPki.bytes(m));
    }

    /** The subject of a message read over IMAP, for use in streams. */
    public static String subject(Message m) {
        try {
            return m.getSubject();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether a message read over IMAP carries a flag, for use in streams. */
    public static boolean has(Message m, Flags.Flag flag) {
        try {
            return m.getFlags().contains(flag);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}

package org.civicmail.webmail.compose;

import jakarta.activation.DataHandler;
import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import java.util.Date;
import java.util.List;
import org.civicmail.webmail.imap.ImapConnector;

/** Builds the MIME message for a compose form: UTF-8 text body plus attachments. */
public final class MessageComposer {

    /** A file to attach: name, content type, bytes. */
    public record Upload(String name, String contentType, byte[] content) {}

    /** Thrown for a recipient list that is not a list of addresses. */
    public static final class BadAddress extends Exception {
        public BadAddress(String input) {
            super(input);
        }
    }

    /** @param requireRecipient true for sending, false for drafts */
    public MimeMessage build(String from, ComposeForm form, List<Upload> uploads, boolean requireRecipient)
            throws MessagingException, BadAddress {
        MimeMessage m = new MimeMessage(ImapConnector.parsingSession());
        m.setFrom(new InternetAddress(from));
        InternetAddress[] to = parse(form.to());
        InternetAddress[] cc = parse(form.cc());
        if (requireRecipient && to.length == 0 && cc.length == 0) {
            throw new BadAddress(form.to());
        }
        if (to.length > 0) {
            m.setRecipients(MimeMessage.RecipientType.TO, to);
        }
        if (cc.length > 0) {
            m.setRecipients(MimeMessage.RecipientType.CC, cc);
        }
        m.setSubject(form.subject(), "UTF-8");
        m.setSentDate(new Date());
        if (form.inReplyTo() != null && !form.inReplyTo().isBlank()) {
            m.setHeader("In-Reply-To", oneLine(form.inReplyTo()));
            m.setHeader("References", oneLine((form.references() == null ? "" : form.references() + " ") + form.inReplyTo()).trim());
        }
        if (uploads.isEmpty()) {
            m.setText(form.body(), "UTF-8");
        } else {
            MimeMultipart mixed = new MimeMultipart("mixed");
            MimeBodyPart text = new MimeBodyPart();
            text.setText(form.body(), "UTF-8");
            mixed.addBodyPart(text);
            for (Upload u : uploads) {
                MimeBodyPart a = new MimeBodyPart();
                a.setDataHandler(new DataHandler(new ByteArrayDataSource(u.content(),
                        u.contentType() == null ? "application/octet-stream" : u.contentType())));
                a.setFileName(u.name());
                a.setDisposition(Part.ATTACHMENT);
                mixed.addBodyPart(a);
            }
            m.setContent(mixed);
        }
        m.saveChanges();
        return m;
    }

    private static String oneLine(String s) {
        return s.replaceAll("[\\r\\n]+", " ");
    }

    static InternetAddress[] parse(String list) throws BadAddress {
        if (list == null || list.isBlank()) {
            return new InternetAddress[0];
        }
        try {
            InternetAddress[] out = InternetAddress.parse(list.replace('；', ',').replace('，', ',').replace(';', ','), true);
            for (InternetAddress a : out) {
                a.validate();
            }
            return out;
        } catch (AddressException e) {
            throw new BadAddress(list);
        }
    }
}

package org.civicmail.broadcast.delivery;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Date;
import java.util.HexFormat;
import java.util.Properties;

import javax.activation.DataHandler;
import javax.mail.Message;
import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeBodyPart;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeMultipart;
import javax.mail.internet.MimeUtility;
import javax.mail.util.ByteArrayDataSource;

import org.civicmail.broadcast.BroadcastKind;
import org.civicmail.broadcast.input.BroadcastPlanner;
import org.civicmail.smime.SigningCredential;
import org.civicmail.smime.SmimeSigner;

/**
 * Builds the signed messages of a broadcast. A notice is signed once ({@link #signNotice}) and each recipient's copy
 * differs only in the To and Message-ID headers outside the signature ({@link #addressed}); personalised messages
 * are signed one by one ({@link #signPersonal}). Thread-safe.
 */
public final class MessageComposer {
    public static final String BROADCAST_HEADER = "X-CivicMail-Broadcast";
    private static final Session SESSION = Session.getInstance(new Properties());

    private final SmimeSigner signer;
    private final String hostname;

    public MessageComposer(SmimeSigner signer, String hostname) {
        this.signer = signer;
        this.hostname = hostname;
    }

    /** The Message-ID a recipient's copy of a broadcast carries; the same after any restart. */
    public String messageId(String broadcastId, String address) {
        String digest = BroadcastPlanner.sha256(address.getBytes(StandardCharsets.UTF_8)).substring(0, 20);
        return "<bc." + broadcastId + "." + digest + "@" + hostname + ">";
    }

    /** Content one agency sends; {@code html} and {@code attachment} are optional. */
    public record Content(String fromAddress, String fromName, String subject, String text, String html, Path attachment,
                          byte[] attachmentBytes) {
    }

    /** The signed notice without To and Message-ID, to be shared by every recipient. */
    public byte[] signNotice(String broadcastId, BroadcastKind kind, Content content, SigningCredential credential, Date date)
            throws MessagingException, IOException {
        MimeMessage signed = sign(broadcastId, kind, content, credential, date, null, null);
        signed.removeHeader("Message-ID");
        return bytes(signed);
    }

    /** A recipient's copy of a signed notice: To and Message-ID prepended, the signed bytes untouched. */
    public static byte[] addressed(byte[] signedNotice, String to, String messageId) {
        byte[] head = addressHeaders(to, messageId);
        byte[] out = new byte[head.length + signedNotice.length];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(signedNotice, 0, out, head.length, signedNotice.length);
        return out;
    }

    /** The header fields that make one recipient's copy of a signed notice (outside the signature). */
    public static byte[] addressHeaders(String to, String messageId) {
        return ("Message-ID: " + messageId + "\r\nTo: " + to + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    public byte[] signPersonal(String broadcastId, BroadcastKind kind, Content content, SigningCredential credential, Date date,
                               String to, String messageId) throws MessagingException, IOException {
        return bytes(sign(broadcastId, kind, content, credential, date, to, messageId));
    }

    private MimeMessage sign(String broadcastId, BroadcastKind kind, Content content, SigningCredential credential, Date date,
                             String to, String messageId) throws MessagingException, IOException {
        MimeMessage m = new MimeMessage(SESSION);
        m.setFrom(new InternetAddress(content.fromAddress(), content.fromName(), "UTF-8"));
        if (to != null) {
            m.setRecipient(Message.RecipientType.TO, new InternetAddress(to));
        }
        m.setSubject(content.subject(), "UTF-8");
        m.setSentDate(date);
        MimeBodyPart text = new MimeBodyPart();
        text.setText(content.text(), "UTF-8");
        MimeBodyPart main = text;
        if (content.html() != null) {
            MimeBodyPart html = new MimeBodyPart();
            html.setText(content.html(), "UTF-8", "html");
            MimeMultipart alternative = new MimeMultipart("alternative", text, html);
            main = new MimeBodyPart();
            main.setContent(alternative);
        }
        if (content.attachment() != null) {
            MimeBodyPart pdf = new MimeBodyPart();
            pdf.setDataHandler(new DataHandler(new ByteArrayDataSource(content.attachmentBytes(), "application/pdf")));
            pdf.setFileName(encodedName(content.attachment().getFileName().toString()));
            pdf.setDisposition(MimeBodyPart.ATTACHMENT);
            m.setContent(new MimeMultipart("mixed", main, pdf));
        } else if (main == text) {
            m.setText(content.text(), "UTF-8");
        } else {
            m.setContent((MimeMultipart) main.getContent());
        }
        m.setHeader(BROADCAST_HEADER, broadcastId + "; kind=" + kind.cliName());
        m.saveChanges();
        if (messageId != null) {
            m.setHeader("Message-ID", messageId);
        } else {
            m.removeHeader("Message-ID");
        }
        // No verdict header here: each copy's X-CivicMail-Signature is computed when it is stored (BroadcastRunner).
        return signer.sign(m, credential);
    }

    private static String encodedName(String name) throws UnsupportedEncodingException {
        return MimeUtility.encodeText(name, "UTF-8", null);
    }

    private static byte[] bytes(MimeMessage m) throws MessagingException, IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        m.writeTo(out);
        return out.toByteArray();
    }
}

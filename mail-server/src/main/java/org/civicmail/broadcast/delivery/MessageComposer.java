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
 * Builds the signed messages of a broadcast. Personalised messages are signed one by one ({@link #signPersonal}),
 * each with its recipient's To and its own Message-ID under RFC 9788 header protection. A notice is signed once
 * ({@link #signNotice}) and shared by every recipient, so everything its signature protects must be the same in
 * every copy: it carries the fixed {@code To: undisclosed-recipients:;} (as mail sent to a Bcc list does) and one
 * Message-ID for the notice, inside and outside the signature alike. Each copy only gets a {@code Delivered-To}
 * field in front ({@link #recipientHeaders}), a trace field that is not in the protected set (RFC 9788 leaves trace
 * fields outside), so a copy verifies with its protected header equal to its outer header. Signing a notice per
 * recipient instead would cost one signature per citizen and lose the shared body that makes notices fast.
 * Thread-safe.
 */
public final class MessageComposer {
    public static final String BROADCAST_HEADER = "X-CivicMail-Broadcast";
    /** The To of every copy of a notice (RFC 5322 section 3.4 group syntax: an empty list whose members are not shown). */
    public static final String NOTICE_TO = "undisclosed-recipients:;";
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

    /** The Message-ID every copy of a notice carries (inside and outside its signature). */
    public String noticeMessageId(String broadcastId) {
        return "<bc." + broadcastId + ".notice@" + hostname + ">";
    }

    /** The signed notice shared by every recipient: To is {@link #NOTICE_TO}, the Message-ID {@link #noticeMessageId}. */
    public byte[] signNotice(String broadcastId, BroadcastKind kind, Content content, SigningCredential credential, Date date)
            throws MessagingException, IOException {
        return bytes(sign(broadcastId, kind, content, credential, date, null, noticeMessageId(broadcastId)));
    }

    /** A recipient's copy of a signed notice: {@link #recipientHeaders} prepended, the signed bytes untouched. */
    public static byte[] addressed(byte[] signedNotice, String to, String messageId) {
        byte[] head = recipientHeaders(signedNotice, to, messageId);
        byte[] out = new byte[head.length + signedNotice.length];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(signedNotice, 0, out, head.length, signedNotice.length);
        return out;
    }

    /**
     * The header fields that make one recipient's copy of a signed notice: {@code Delivered-To}. A notice signed
     * before notices carried their own To and Message-ID (stored by an earlier version, resumed after an upgrade)
     * gets them here instead, as it did then.
     */
    public static byte[] recipientHeaders(byte[] signedNotice, String to, String messageId) {
        String fields = hasTo(signedNotice) ? "Delivered-To: " + to + "\r\n" : "Message-ID: " + messageId + "\r\nTo: " + to + "\r\n";
        return fields.getBytes(StandardCharsets.US_ASCII);
    }

    /** Whether the header section of the notice (up to its first empty line) has a To field. */
    private static boolean hasTo(byte[] message) {
        int lineStart = 0;
        for (int i = 0; i < message.length; i++) {
            if (message[i] == '\n') {
                int length = i - lineStart - (i > lineStart && message[i - 1] == '\r' ? 1 : 0);
                if (length == 0) {
                    return false;
                }
                if (length >= 3 && (message[lineStart] | 0x20) == 't' && (message[lineStart + 1] | 0x20) == 'o'
                        && message[lineStart + 2] == ':') {
                    return true;
                }
                lineStart = i + 1;
            }
        }
        return false;
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
        } else {
            m.setHeader("To", NOTICE_TO);
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
        // Set after saveChanges(), which makes up a Message-ID of its own; the signature protects this one.
        m.setHeader("Message-ID", messageId);
        // Date and signingTime are the one server time the caller read. No verdict header here: each copy's
        // X-CivicMail-Signature is computed when it is stored (BroadcastRunner, DeliveryCheck).
        return signer.sign(m, credential, date.toInstant());
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

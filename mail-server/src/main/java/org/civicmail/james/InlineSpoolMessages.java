package org.civicmail.james;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

import javax.jms.BytesMessage;
import javax.jms.JMSException;
import javax.jms.Session;
import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;
import javax.mail.util.SharedByteArrayInputStream;

import org.apache.james.server.core.MimeMessageSource;
import org.apache.james.server.core.MimeMessageWrapper;
import org.apache.mailet.Mail;

/**
 * Spool messages that carry the MIME message in the JMS message itself, written into the KahaDB journal with it.
 *
 * <p>Why (issue 14): James's ActiveMQ queue sends every message as a blob message, whose MIME content goes into a
 * file of its own under {@code var/store/activemq/blob-transfer} before the send (created, written, read back at
 * delivery, deleted after it). On the delivery path that was a file creation and removal per message (ext4 inode
 * allocation on the SMTP thread, in {@code perf}), and James never syncs that file ({@link SyncedBlobTransferPolicy}
 * now does). A message of at most {@link #LIMIT} is now a {@link BytesMessage} in the journal: one write, synced
 * with the journal before the send returns, nothing to delete. Larger messages stay blob messages: the broker pages
 * up to 200 pending messages of the queue into the heap to dispatch them, so with this limit a backlog costs at most
 * a few MiB of the server's 144 MiB heap (everyday text mail is a few KiB; attachments go the blob way).
 *
 * <p>A {@code BytesMessage} rather than James's own non-blob form (an {@code ObjectMessage} holding a {@code byte[]}):
 * reading that back is Java deserialisation, which our connection factory allows for no class
 * ({@code setTrustAllPackages(false)}, and a {@code byte[]} has no package to trust). Journals written before this
 * change hold blob messages, which are still read as before.
 */
final class InlineSpoolMessages {
    /** Largest message carried inline (see above: the broker's page of pending messages stays small). */
    static final long LIMIT = 32 * 1024;

    private InlineSpoolMessages() {
    }

    /** Whether {@code mail} goes into the journal inline (its size is known and at most {@link #LIMIT}). */
    static boolean fits(Mail mail) throws MessagingException {
        long size = mail.getMessageSize();
        return size >= 0 && size <= LIMIT;
    }

    /** A message holding the whole MIME message of {@code mail}, as {@code MimeMessage.writeTo} gives it. */
    static BytesMessage of(Session session, Mail mail) throws JMSException, MessagingException {
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.max(mail.getMessageSize(), 0) + 256);
        try {
            mail.getMessage().writeTo(out);
        } catch (IOException e) {
            throw new MessagingException("Unable to write mail " + mail.getName() + " into the spool", e);
        }
        BytesMessage message = session.createBytesMessage();
        message.writeBytes(out.toByteArray());
        return message;
    }

    /** The MIME message a message of {@link #of} holds. */
    static MimeMessage mimeMessage(BytesMessage message) throws JMSException, MessagingException {
        return new MimeMessageWrapper(new Content(message.getJMSMessageID(), content(message)));
    }

    /** A new message of {@code session} with the same content and properties (James's queue flush re-sends so). */
    static BytesMessage copy(Session session, BytesMessage message) throws JMSException {
        BytesMessage copy = session.createBytesMessage();
        copy.writeBytes(content(message));
        for (var names = message.getPropertyNames(); names.hasMoreElements(); ) {
            String name = (String) names.nextElement();
            copy.setObjectProperty(name, message.getObjectProperty(name));
        }
        return copy;
    }

    private static byte[] content(BytesMessage message) throws JMSException {
        message.reset(); // read from the start, whoever read it before
        long length = message.getBodyLength();
        if (length > Integer.MAX_VALUE) {
            throw new JMSException("spool message " + message.getJMSMessageID() + " holds " + length + " bytes, more than an array can");
        }
        byte[] content = new byte[(int) length];
        message.readBytes(content);
        return content;
    }

    /** The MIME content of one spool message, read as often as James needs it without copying. */
    private record Content(String id, byte[] bytes) implements MimeMessageSource {
        @Override
        public String getSourceId() {
            return id;
        }

        @Override
        public InputStream getInputStream() {
            return new SharedByteArrayInputStream(bytes);
        }

        @Override
        public long getMessageSize() {
            return bytes.length;
        }
    }
}

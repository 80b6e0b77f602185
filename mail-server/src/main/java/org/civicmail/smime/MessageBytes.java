package org.civicmail.smime;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

/** The bytes the shared verifier reads: the message as it would go on the wire (James keeps the body as received). */
public final class MessageBytes {
    private MessageBytes() {
    }

    public static byte[] of(MimeMessage message) throws MessagingException {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
            message.writeTo(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new MessagingException("cannot read the message to verify its signature: " + e.getMessage(), e);
        }
    }
}

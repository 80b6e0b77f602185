package org.civicmail.broadcast.delivery;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;

import org.apache.james.mailbox.store.mail.model.Property;
import org.apache.james.mailbox.store.mail.model.impl.Properties;
import org.apache.james.mailbox.store.mail.model.impl.PropertyBuilder;
import org.apache.james.mailbox.store.streaming.CountingInputStream;
import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.field.LenientFieldParser;
import org.apache.james.mime4j.message.DefaultBodyDescriptorBuilder;
import org.apache.james.mime4j.message.MaximalBodyDescriptor;
import org.apache.james.mime4j.stream.EntityState;
import org.apache.james.mime4j.stream.MimeConfig;
import org.apache.james.mime4j.stream.MimeTokenStream;
import org.apache.james.mime4j.stream.RecursionMode;
import org.apache.james.util.io.BodyOffsetInputStream;

/**
 * What James's JPA mailbox stores for one message besides its flags: the header and body bytes split at the body
 * start, the top-level media type, the textual line count and the MIME properties (rows of JAMES_MAIL_PROPERTY).
 * Derived exactly as James 3.8.1's {@code StoreMessageManager} derives them on append, so that a message written by
 * {@link MailboxBatchWriter} reads back through IMAP like one James appended (MailboxBatchWriterIT compares both).
 * {@code sharedWith}: the message this one is with header fields put in front ({@link #withHeaderPrefix}), else null;
 * the search index prepares such a shared message once for all its copies.
 */
public record StoredMessageLayout(byte[] header, byte[] body, String mediaType, String subType, Long textualLineCount,
                           List<Property> properties, StoredMessageLayout sharedWith) {
    private static final LenientFieldParser FIELD_PARSER = new LenientFieldParser();

    int size() {
        return header.length + body.length;
    }

    /**
     * The same message with header fields put in front (a notice's To and Message-ID, which lie outside the
     * signature): the body, the MIME properties and the line count do not depend on them, so a notice is parsed
     * once and each copy shares its body bytes.
     */
    StoredMessageLayout withHeaderPrefix(byte[] prefix) {
        byte[] h = new byte[prefix.length + header.length];
        System.arraycopy(prefix, 0, h, 0, prefix.length);
        System.arraycopy(header, 0, h, prefix.length, header.length);
        return new StoredMessageLayout(h, body, mediaType, subType, textualLineCount, properties, this);
    }

    /** The header fields put in front of {@link #sharedWith} (empty when there is none). */
    byte[] ownHeader() {
        return sharedWith == null ? new byte[0] : Arrays.copyOfRange(header, 0, header.length - sharedWith.header.length);
    }

    static StoredMessageLayout of(byte[] message) {
        try (BodyOffsetInputStream in = new BodyOffsetInputStream(new ByteArrayInputStream(message))) {
            MimeTokenStream parser = new MimeTokenStream(MimeConfig.PERMISSIVE,
                new DefaultBodyDescriptorBuilder(null, FIELD_PARSER, DecodeMonitor.SILENT));
            parser.setRecursionMode(RecursionMode.M_NO_RECURSE);
            parser.parse(in);
            EntityState state = parser.next();
            while (state != EntityState.T_BODY && state != EntityState.T_END_OF_STREAM && state != EntityState.T_START_MULTIPART) {
                state = parser.next();
            }
            MaximalBodyDescriptor descriptor = (MaximalBodyDescriptor) parser.getBodyDescriptor();
            String mediaType = descriptor.getMediaType() == null ? "text" : descriptor.getMediaType();
            String subType = descriptor.getMediaType() == null ? "plain" : descriptor.getSubType();
            PropertyBuilder properties = properties(descriptor, mediaType, subType);
            if ("text".equalsIgnoreCase(mediaType)) {
                properties.setTextualLineCount(textLines(parser));
            }
            in.transferTo(java.io.OutputStream.nullOutputStream());
            int bodyStart = (int) Math.max(0, in.getBodyStartOffset());
            Properties built = properties.build();
            return new StoredMessageLayout(Arrays.copyOfRange(message, 0, bodyStart), Arrays.copyOfRange(message, bodyStart, message.length),
                built.getMediaType(), built.getSubType(), built.getTextualLineCount(), built.toProperties(), null);
        } catch (IOException | MimeException e) {
            throw new IllegalArgumentException("the composed message cannot be parsed as MIME: " + e.getMessage(), e);
        }
    }

    private static long textLines(MimeTokenStream parser) throws IOException, MimeException {
        long lines;
        try (CountingInputStream body = new CountingInputStream(parser.getInputStream())) {
            body.readAll();
            lines = body.getLineCount();
        }
        if (parser.next() == EntityState.T_EPILOGUE) {
            try (CountingInputStream epilogue = new CountingInputStream(parser.getInputStream())) {
                epilogue.readAll();
                lines += epilogue.getLineCount();
            }
        }
        return lines;
    }

    private static PropertyBuilder properties(MaximalBodyDescriptor descriptor, String mediaType, String subType) {
        PropertyBuilder b = new PropertyBuilder();
        b.setMediaType(mediaType);
        b.setSubType(subType);
        b.setContentID(descriptor.getContentId());
        b.setContentDescription(descriptor.getContentDescription());
        b.setContentLocation(descriptor.getContentLocation());
        b.setContentMD5(descriptor.getContentMD5Raw());
        b.setContentTransferEncoding(descriptor.getTransferEncoding());
        b.setContentLanguage(descriptor.getContentLanguage());
        b.setContentDispositionType(descriptor.getContentDispositionType());
        b.setContentDispositionParameters(descriptor.getContentDispositionParameters());
        b.setContentTypeParameters(descriptor.getContentTypeParameters());
        if (descriptor.getCharset() != null) {
            b.setCharset(descriptor.getCharset());
        } else if ("text".equalsIgnoreCase(mediaType)) {
            b.setCharset("us-ascii");
        }
        return b;
    }
}

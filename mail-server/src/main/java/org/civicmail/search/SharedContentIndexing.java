package org.civicmail.search;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;

import javax.inject.Inject;

import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.store.mail.model.MailboxMessage;

import reactor.core.publisher.Mono;

/**
 * Indexes copies of one message that many mailboxes receive, each with a few header fields of its own in front (a
 * broadcast notice: one signed message, and per copy its verdict and {@code Delivered-To}). The shared part is
 * parsed, normalised and analysed once ({@link #prepare}: one document of the {@link TextIndex}, named by the hash of
 * its bytes, so every batch of the same notice refers to the same one); each copy is then a small document of its
 * own header fields and its identity (folder, UID) that refers to it ({@link TextIndex#putCopy}). SEARCH answers what
 * indexing each whole copy would answer ({@code SharedContentIndexingTest} compares the two on every kind of key).
 *
 * <p>Flags, sizes, dates and UIDs need no index (they are read from the mailbox, {@link SubstringSearchIndex}), so
 * this is all a copy costs the search index.
 */
public final class SharedContentIndexing {
    /** Header fields a copy's own part must not have: the whole message's From/To/Cc/Bcc and Date are the shared part's. */
    private static final Set<String> WHOLE_MESSAGE_FIELDS = Set.of("from", "to", "cc", "bcc", "date");

    private final SubstringSearchIndex index;
    private final TextIndex text;

    @Inject
    public SharedContentIndexing(SubstringSearchIndex index, TextIndex text) {
        this.index = index;
        this.text = text;
    }

    /** The shared part, ready for {@link #add}: the id of its document in the text index. */
    public static final class Prepared {
        private final String sharedId;

        private Prepared(String sharedId) {
            this.sharedId = sharedId;
        }
    }

    /**
     * Prepares the message every copy ends with (its header and body): indexes its text once (once per process for
     * the same bytes). Searchable, as part of a copy, once {@link #add} has added the copy.
     */
    public Prepared prepare(byte[] header, byte[] body) throws IOException {
        String id = sha256(header, body);
        if (!text.hasShared(id)) {
            byte[] whole = new byte[header.length + body.length];
            System.arraycopy(header, 0, whole, 0, header.length);
            System.arraycopy(body, 0, whole, header.length, body.length);
            text.putShared(id, TextIndex.Terms.of(MessageTextReader.read(new ByteArrayInputStream(whole))));
        }
        return new Prepared(id);
    }

    /**
     * Indexes one copy: {@code copy} is the whole message as stored, {@code ownHeader} the header fields it has in
     * front of the prepared shared message. A copy whose own fields include From, To, Cc, Bcc or Date (an older
     * notice's To) is indexed whole, as any delivered message is.
     */
    public Mono<Void> add(MailboxSession session, Mailbox mailbox, MailboxMessage copy, byte[] ownHeader, Prepared shared) {
        return add(session, mailbox, copy.getUid(), () -> copy, ownHeader, shared);
    }

    /**
     * {@link #add(MailboxSession, Mailbox, MailboxMessage, byte[], Prepared)} for a caller that has the copy's parts
     * rather than the message: {@code whole} is built only when the copy must be indexed whole (a broadcast copies
     * no message bytes for the usual copy, which needs only its own header fields).
     */
    public Mono<Void> add(MailboxSession session, Mailbox mailbox, MessageUid uid, Supplier<MailboxMessage> whole, byte[] ownHeader,
                          Prepared shared) {
        if (!ownFieldsOnly(ownHeader)) {
            return Mono.defer(() -> index.add(session, mailbox, whole.get()));
        }
        return Mono.fromCallable(() -> {
            byte[] own = new byte[ownHeader.length + 2];
            System.arraycopy(ownHeader, 0, own, 0, ownHeader.length);
            own[ownHeader.length] = '\r';
            own[ownHeader.length + 1] = '\n';
            TextIndex.Terms terms = TextIndex.Terms.of(MessageTextReader.read(new ByteArrayInputStream(own)));
            text.putCopy(mailbox.getMailboxId().serialize(), uid.asLong(), terms, shared.sharedId);
            return null;
        }).then();
    }

    private static boolean ownFieldsOnly(byte[] ownHeader) {
        for (String line : new String(ownHeader, StandardCharsets.ISO_8859_1).split("\r?\n")) {
            int colon = line.indexOf(':');
            if (!line.isEmpty() && !Character.isWhitespace(line.charAt(0)) && colon > 0
                && WHOLE_MESSAGE_FIELDS.contains(line.substring(0, colon).strip().toLowerCase(Locale.ROOT))) {
                return false;
            }
        }
        return true;
    }

    private static String sha256(byte[] header, byte[] body) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(header);
            // The split point is part of the identity: the same bytes split elsewhere are another header and body.
            digest.update(Integer.toString(header.length).getBytes(StandardCharsets.US_ASCII));
            digest.update(body);
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e);
        }
    }
}

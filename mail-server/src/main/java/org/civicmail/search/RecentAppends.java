package org.civicmail.search;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;


import javax.inject.Singleton;

import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.store.mail.model.MailboxMessage;

/**
 * The content of messages the mailbox store has just appended, kept from the append until the search index's listener
 * takes it for the message's {@code Added} event, so that indexing a delivery does not read the message back from
 * the database it was written to a moment before (James's listener does: two JPA queries a message, 7 % of the
 * server's CPU on the inbound path). Bounded: small messages only, at most {@link #MAX_BYTES} in all, oldest first
 * out (an append whose transaction rolled back is never taken); what is not here is read back from the store as
 * before, so nothing depends on it but speed.
 */
@Singleton
public final class RecentAppends {
    /** Larger messages are read back from the store (they are rare and would crowd out the rest). */
    static final int MAX_MESSAGE_BYTES = 256 * 1024;
    static final int MAX_BYTES = 4 * 1024 * 1024;

    /** A message's UID and whole content. */
    record Appended(long uid, byte[] content) {
    }

    private record Key(String mailboxId, long uid) {
    }

    private final LinkedHashMap<Key, Appended> kept = new LinkedHashMap<>();
    private long bytes;

    /** Keeps a message the store has just appended (its UID assigned), if it is small enough. */
    public void remember(MailboxId mailboxId, MailboxMessage message) {
        long size = message.getFullContentOctets();
        if (size > MAX_MESSAGE_BYTES) {
            return;
        }
        byte[] content;
        try (InputStream in = message.getFullContent()) {
            content = in.readNBytes(MAX_MESSAGE_BYTES + 1);
        } catch (IOException | RuntimeException unreadable) {
            return; // read back from the store at indexing time, as without this
        }
        if (content.length > MAX_MESSAGE_BYTES) {
            return;
        }
        synchronized (this) {
            Appended previous = kept.put(new Key(mailboxId.serialize(), message.getUid().asLong()), new Appended(message.getUid().asLong(), content));
            bytes += content.length - (previous == null ? 0 : previous.content().length);
            Iterator<Appended> oldest = kept.values().iterator();
            while (bytes > MAX_BYTES && oldest.hasNext()) {
                bytes -= oldest.next().content().length;
                oldest.remove();
            }
        }
    }

    /**
     * Takes the kept messages {@code uids} of folder {@code mailboxId}: all of them, in the order given, or null when
     * any is not kept (then none is returned, and all are forgotten: the caller reads them from the store).
     */
    public synchronized List<Appended> take(MailboxId mailboxId, Collection<MessageUid> uids) {
        String folder = mailboxId.serialize();
        List<Appended> found = new ArrayList<>(uids.size());
        for (MessageUid uid : uids) {
            Appended a = kept.remove(new Key(folder, uid.asLong()));
            if (a != null) {
                bytes -= a.content().length;
                found.add(a);
            }
        }
        return found.size() == uids.size() ? found : null;
    }

    synchronized int size() {
        return kept.size();
    }

}

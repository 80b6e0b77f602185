package org.civicmail.imap.condstore;

import java.util.Optional;

import org.apache.james.imap.api.process.SelectedMailbox;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.model.MessageRange;

/**
 * The UID range SELECT/EXAMINE (QRESYNC) searches for expunged messages (RFC 7162 section 3.2.5.1). James 3.8.1
 * clips it to the UIDs that still exist (its "normalisation"), so a message expunged below the lowest remaining UID
 * was never reported VANISHED and the client kept showing it. Here the range keeps its lower end; its upper end is
 * still clipped to the highest remaining UID, because James tests every UID of the range one by one and a client
 * could otherwise send {@code 1:4000000000} to keep the server busy. James keeps no state about expunges, so, as
 * RFC 7162 section 4.1 allows, every UID missing from the range is reported.
 */
final class VanishedRange {
    private VanishedRange() {
    }

    /** @return the range to search, or empty to keep James's own normalisation */
    static Optional<MessageRange> of(SelectedMailbox selected, MessageRange range) {
        Optional<MessageUid> last = selected.getLastUid();
        if (last.isEmpty() || (range.getType() != MessageRange.Type.RANGE && range.getType() != MessageRange.Type.ONE)) {
            return Optional.empty();
        }
        MessageUid to = range.getUidTo().compareTo(last.get()) > 0 ? last.get() : range.getUidTo();
        if (range.getUidFrom().compareTo(to) > 0) {
            return Optional.empty();
        }
        return Optional.of(MessageRange.range(range.getUidFrom(), to));
    }
}

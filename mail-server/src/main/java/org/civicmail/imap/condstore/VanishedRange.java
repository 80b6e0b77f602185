package org.civicmail.imap.condstore;

import org.apache.james.mailbox.model.MessageRange;

/**
 * The UID range SELECT/EXAMINE (QRESYNC) searches for expunged messages (RFC 7162 section 3.2.5.1). James 3.8.1 first
 * clips it to the UIDs that still exist (its "normalisation"), so a message expunged below the lowest remaining UID
 * was never reported VANISHED and the client kept showing it. A range with both ends given (the client's known-uids,
 * or 1:UIDNEXT-1 that James fills in) is searched as it is; James keeps no state about expunges, so, as RFC 7162
 * section 4.1 allows, every UID missing from that range is reported.
 */
final class VanishedRange {
    private VanishedRange() {
    }

    static boolean searchedAsGiven(MessageRange range) {
        return range.getType() == MessageRange.Type.RANGE || range.getType() == MessageRange.Type.ONE;
    }
}

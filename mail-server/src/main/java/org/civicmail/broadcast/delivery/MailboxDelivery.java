package org.civicmail.broadcast.delivery;

import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.SortedMap;

import org.apache.james.mailbox.exception.MailboxException;
import org.civicmail.broadcast.store.Outcome;

/**
 * Puts batches of broadcast messages into recipients' folders. The contract every implementation keeps: a recipient
 * whose outcome is "delivered" has the message in the folder, IMAP sessions with that folder selected (IDLE
 * included) have been told of it, it is counted in the recipient's quota, and IMAP {@code SEARCH} finds it; if it
 * could not be indexed, its outcome says so in its reason. Exactly once: a message is journaled (CM_BC_DELIVERY)
 * once stored, and a recipient that is journaled is never given a second copy.
 *
 * <p>Two implementations: {@link DirectTableDelivery} writes James 3.8.1's tables directly (fast; the only code that
 * knows them is {@link MailboxBatchWriter} and {@link WriterSchema}) and {@link MailboxManagerDelivery} goes through
 * James's own API (slow, but right on any schema). {@link BroadcastStorage} picks one at start.
 */
public interface MailboxDelivery {
    /**
     * Stores the batch and returns one outcome per delivery. On an exception the batch can be tried again: what it
     * stored is journaled and not stored twice.
     */
    List<Outcome> deliver(String broadcastId, String folder, List<MailboxBatchWriter.Delivery> deliveries)
        throws SQLException, MailboxException;

    /**
     * After a crash: the next {@code limit} recipients of the broadcast after {@code afterSeq} whose message is
     * stored, in order, with their (delivered) outcome. A message stored but not yet indexed is indexed first, so that
     * what is reported delivered is searchable. Callers walk the journal a slice at a time.
     */
    SortedMap<Integer, Outcome> settle(String broadcastId, int afterSeq, int limit) throws SQLException, MailboxException;

    /**
     * These recipients have their outcome recorded: their journal rows are not needed any more (recovery reads the
     * journal only for recipients without an outcome) and go now, so the journal holds the batches in flight only and
     * a finished broadcast has next to nothing left to delete. A failure here is harmless: the rows are deleted when
     * the broadcast finishes.
     */
    void recorded(String broadcastId, Collection<Integer> seqs) throws SQLException;

    /** Every recipient has its outcome recorded: the journal rows are not needed any more. */
    void finished(String broadcastId) throws SQLException;

    /** What this implementation is, for logs. */
    String describe();
}

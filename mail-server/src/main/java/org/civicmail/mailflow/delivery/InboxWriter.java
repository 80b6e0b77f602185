package org.civicmail.mailflow.delivery;

import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.james.mailbox.model.MailboxConstants;
import org.civicmail.broadcast.delivery.DirectTableDelivery;
import org.civicmail.broadcast.delivery.MailboxBatchWriter;
import org.civicmail.broadcast.store.Outcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a group of local messages into their owners' INBOXes in one transaction of James's mailbox database, with
 * the broadcast's table writer ({@link DirectTableDelivery#storeWithoutJournal}: James's folder locks, UIDs, modseqs,
 * quota, the {@code Added} events IMAP sessions and IDLE listen to, and the search index, all before it returns).
 * A conflict the transaction could not avoid (a folder created by IMAP at the same moment, a lock timeout) rolls
 * the whole group back; it is tried again, as James's LocalDelivery tries an append again.
 */
final class InboxWriter implements GroupCommit.Writer<InboxWriter.Message, Outcome> {
    private static final Logger LOG = LoggerFactory.getLogger(InboxWriter.class);
    /** James's MailDispatcher: 3 retries, the first after 200 ms, at most 1 s apart. */
    private static final int RETRIES = 3;
    private static final long FIRST_BACKOFF_MS = 200;
    private static final long MAX_BACKOFF_MS = 1000;
    /** SQL state of a unique or primary key violation (SQL standard, Derby's too). */
    private static final String DUPLICATE_KEY = "23505";
    /** Unique index on a folder's owner, namespace and name ({@code james.JamesSchemaAdditions}). */
    private static final String FOLDER_PATH_INDEX = "'CM_MAILBOX_PATH'";

    /** One message for one owner: the whole message as it is to be stored. */
    record Message(String owner, byte[] content) {
    }

    private final DirectTableDelivery tables;

    InboxWriter(DirectTableDelivery tables) {
        this.tables = tables;
    }

    @Override
    public List<Outcome> write(List<Message> group) throws Exception {
        Instant now = Instant.now();
        List<MailboxBatchWriter.Delivery> deliveries = new ArrayList<>(group.size());
        for (int i = 0; i < group.size(); i++) {
            deliveries.add(MailboxBatchWriter.Delivery.of(i, group.get(i).owner(), group.get(i).content(), now));
        }
        List<Outcome> outcomes = storeWithRetries(deliveries);
        Map<Integer, Outcome> bySeq = new HashMap<>();
        for (Outcome o : outcomes) {
            bySeq.put(o.seq(), o);
        }
        List<Outcome> ordered = new ArrayList<>(group.size());
        for (int i = 0; i < group.size(); i++) {
            Outcome o = bySeq.get(i);
            if (o == null) {
                throw new IllegalStateException("the mailbox writer returned no outcome for " + group.get(i).owner());
            }
            ordered.add(o);
        }
        return ordered;
    }

    /**
     * True when {@code e} (or an exception it chains) is a duplicate key on {@code CM_MAILBOX_PATH}, the unique index
     * on a folder's path that makes concurrent creations of the same folder fail instead of both succeeding.
     */
    static boolean isFolderCreatedMeanwhile(SQLException e) {
        for (Throwable t = e; t != null; t = next(t)) {
            if (t instanceof SQLException sql && DUPLICATE_KEY.equals(sql.getSQLState())
                && String.valueOf(sql.getMessage()).contains(FOLDER_PATH_INDEX)) {
                return true;
            }
        }
        return false;
    }

    /** The exception behind {@code t}: a batch's chained statement error first, else its cause. */
    private static Throwable next(Throwable t) {
        if (t instanceof SQLException sql && sql.getNextException() != null) {
            return sql.getNextException();
        }
        return t.getCause();
    }

    private List<Outcome> storeWithRetries(List<MailboxBatchWriter.Delivery> deliveries) throws Exception {
        long backoff = FIRST_BACKOFF_MS;
        for (int attempt = 0; ; attempt++) {
            try {
                return tables.storeWithoutJournal(MailboxConstants.INBOX, deliveries);
            } catch (SQLException e) {
                // Rolled back: nothing of the group is stored, so trying again cannot store a message twice.
                if (attempt == RETRIES) {
                    throw e;
                }
                if (isFolderCreatedMeanwhile(e)) {
                    // Expected, not a fault: an IMAP login (James creates the INBOX) or another writer created one of
                    // these INBOXes after this transaction looked; the next try finds the folder and appends to it.
                    LOG.info("Storing {} local message(s): an INBOX was created by another session at the same moment; "
                        + "tried again in {} ms", deliveries.size(), backoff);
                } else {
                    LOG.warn("Storing {} local message(s) failed and is tried again in {} ms ({} more time(s)): {}",
                        deliveries.size(), backoff, RETRIES - attempt, e.toString());
                }
                Thread.sleep(backoff);
                backoff = Math.min(MAX_BACKOFF_MS, 2 * backoff);
            }
        }
    }
}

package org.civicmail.broadcast.delivery;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

import org.apache.james.mailbox.exception.MailboxException;
import org.civicmail.broadcast.store.Outcome;

/**
 * The exactly-once rule both deliveries keep, in one place: a recipient journaled already (a try whose commit
 * succeeded but whose reply was lost, or a broadcast resumed after a crash) gets its delivered outcome from the
 * journal and is never stored again; only the others are handed to {@link #store}.
 */
abstract class JournaledDelivery implements MailboxDelivery {
    final DeliveryJournal journal;

    JournaledDelivery(DeliveryJournal journal) {
        this.journal = journal;
    }

    /** Stores recipients none of whom is journaled, and journals them; one outcome per delivery. */
    abstract List<Outcome> store(String broadcastId, String folder, List<MailboxBatchWriter.Delivery> deliveries)
        throws SQLException, MailboxException;

    /** The delivered outcomes of journaled recipients (indexed first where this delivery indexes on its own). */
    abstract Map<Integer, Outcome> settled(String broadcastId, Map<Integer, DeliveryJournal.Entry> journaled) throws SQLException;

    @Override
    public final List<Outcome> deliver(String broadcastId, String folder, List<MailboxBatchWriter.Delivery> batch)
            throws SQLException, MailboxException {
        if (batch.isEmpty()) {
            return List.of();
        }
        Map<Integer, DeliveryJournal.Entry> journaled = journal.journaled(broadcastId, batch);
        if (journaled.isEmpty()) {
            return store(broadcastId, folder, batch);
        }
        List<Outcome> outcomes = new ArrayList<>(settled(broadcastId, journaled).values());
        List<MailboxBatchWriter.Delivery> rest = batch.stream().filter(d -> !journaled.containsKey(d.seq())).toList();
        if (!rest.isEmpty()) {
            outcomes.addAll(store(broadcastId, folder, rest));
        }
        return outcomes;
    }

    @Override
    public final SortedMap<Integer, Outcome> settle(String broadcastId, int afterSeq, int limit) throws SQLException {
        return new TreeMap<>(settled(broadcastId, journal.journaledAfter(broadcastId, afterSeq, limit)));
    }

    @Override
    public final void recorded(String broadcastId, Collection<Integer> seqs) throws SQLException {
        journal.forget(broadcastId, seqs);
    }

    @Override
    public final void finished(String broadcastId) throws SQLException {
        journal.finished(broadcastId);
    }
}

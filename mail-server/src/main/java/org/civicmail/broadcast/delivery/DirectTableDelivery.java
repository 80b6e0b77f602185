package org.civicmail.broadcast.delivery;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.james.core.Username;
import org.apache.james.mailbox.MailboxPathLocker;
import org.civicmail.james.EvictingMailboxPathLocker;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.model.MailboxPath;
import org.civicmail.broadcast.store.Outcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fast path: a batch goes into James's tables in one transaction ({@link MailboxBatchWriter}), under James's own
 * folder locks ({@link MailboxPathLocker}, which James's appends, deliveries, COPY and MOVE take too), and before the
 * locks are released every IMAP session with one of those folders selected is told ({@link MailboxAnnouncer}). So
 * James and the writer never append to the same folder at the same time, and a session learns of UIDs in the order
 * they were given. Then the batch is indexed (searchable at once); only then are the recipients reported.
 */
public final class DirectTableDelivery extends JournaledDelivery {
    private static final Logger LOG = LoggerFactory.getLogger(DirectTableDelivery.class);

    private final MailboxBatchWriter writer;
    private final MailboxAnnouncer announcer;
    private final MailboxPathLocker locker;
    private final SearchIndexCatchUp catchUp;

    DirectTableDelivery(MailboxBatchWriter writer, DeliveryJournal journal, MailboxAnnouncer announcer, MailboxPathLocker locker,
                        SearchIndexCatchUp catchUp) {
        super(journal);
        this.writer = writer;
        this.announcer = announcer;
        this.locker = locker;
        this.catchUp = catchUp;
    }

    @Override
    List<Outcome> store(String broadcastId, String folder, List<MailboxBatchWriter.Delivery> deliveries)
            throws SQLException, MailboxException {
        return storeAnnounceAndIndex(broadcastId, folder, deliveries);
    }

    /**
     * Local mail taken off the spool ({@code mailflow.delivery.GroupedLocalDelivery}): the same locks, transaction,
     * events and indexing as a broadcast batch, without the broadcast journal (see {@link MailboxBatchWriter#store}).
     * Each address at most once per call. Returns one outcome per delivery, by its {@code seq}.
     */
    public List<Outcome> storeWithoutJournal(String folder, List<MailboxBatchWriter.Delivery> deliveries)
            throws SQLException, MailboxException {
        return storeAnnounceAndIndex(null, folder, deliveries);
    }

    private List<Outcome> storeAnnounceAndIndex(String broadcastId, String folder, List<MailboxBatchWriter.Delivery> deliveries)
            throws SQLException, MailboxException {
        // One lock order for everyone (the path's string form), so two batches of different broadcasts cannot deadlock.
        List<MailboxPath> paths = deliveries.stream().map(d -> MailboxPath.forUser(Username.of(d.address()), folder)).distinct()
            .sorted(Comparator.comparing(MailboxPath::asString)).toList();
        long t0 = System.nanoTime();
        long[] stages = new long[2];
        Stored stored;
        try {
            stored = underLocks(paths, 0, () -> {
                MailboxBatchWriter.BatchResult result;
                try {
                    result = writer.store(broadcastId, folder, deliveries);
                } catch (SQLException e) {
                    throw new StoreFailed(e);
                }
                stages[0] = System.nanoTime();
                List<MailboxAnnouncer.Announced> announced = announcer.announce(folder, result.stored());
                stages[1] = System.nanoTime();
                return new Stored(result, announced);
            });
        } catch (StoreFailed e) {
            throw (SQLException) e.getCause();
        }
        long t3 = System.nanoTime();
        // Indexed before the outcomes are returned (and recorded): a recorded outcome is what tells recovery that the
        // copy is searchable, so the journal row needs no mark of its own (DeliveryJournal).
        Map<Integer, String> unsearchable = announcer.index(stored.announced());
        LOG.debug("Broadcast {}: {} stored in {} ms (locks and transaction), announced in {} ms, indexed in {} ms",
            broadcastId, deliveries.size(), (stages[0] - t0) / 1_000_000, (stages[1] - stages[0]) / 1_000_000,
            (System.nanoTime() - t3) / 1_000_000);
        List<Outcome> outcomes = new ArrayList<>(stored.result().outcomes().size());
        for (Outcome o : stored.result().outcomes()) {
            String reason = unsearchable.get(o.seq());
            outcomes.add(reason == null ? o : new Outcome(o.seq(), true, reason, o.at()));
        }
        return outcomes;
    }

    private record Stored(MailboxBatchWriter.BatchResult result, List<MailboxAnnouncer.Announced> announced) {
    }

    /** Carries the batch's SQLException out through the locker, whose callbacks may throw only MailboxException. */
    private static final class StoreFailed extends MailboxException {
        StoreFailed(SQLException cause) {
            super(cause.getMessage(), cause);
        }
    }

    /**
     * The batch's folders locked in order: all at once through the server's evicting locker (its stack does not grow
     * with the batch), else one nested call per folder (James's interface; only a test binds another locker).
     */
    private Stored underLocks(List<MailboxPath> paths, int i, MailboxPathLocker.LockAwareExecution<Stored> body) throws MailboxException {
        if (locker instanceof EvictingMailboxPathLocker evicting) {
            return evicting.executeWithLocks(paths, body, MailboxPathLocker.LockType.Write);
        }
        if (i == paths.size()) {
            return body.execute();
        }
        return locker.executeWithLock(paths.get(i), () -> underLocks(paths, i + 1, body), MailboxPathLocker.LockType.Write);
    }

    /** Delivered outcomes of journaled recipients, those not yet in the search index indexed first. */
    @Override
    Map<Integer, Outcome> settled(String broadcastId, Map<Integer, DeliveryJournal.Entry> journaled) throws SQLException {
        List<DeliveryJournal.Entry> open = DeliveryJournal.unindexed(journaled);
        Map<Integer, String> unsearchable = catchUp.indexNow(open);
        journal.markIndexed(broadcastId, open.stream().map(DeliveryJournal.Entry::seq).toList());
        Map<Integer, Outcome> outcomes = new HashMap<>();
        journaled.forEach((seq, e) -> outcomes.put(seq, new Outcome(seq, true, unsearchable.get(seq), e.deliveredAt())));
        return outcomes;
    }

    @Override
    public String describe() {
        return "direct writes to James 3.8.1's mailbox tables";
    }
}

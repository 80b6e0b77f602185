package org.civicmail.broadcast.delivery;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

import javax.inject.Singleton;

import org.apache.james.mailbox.exception.MailboxException;
import org.civicmail.broadcast.store.Outcome;
import org.civicmail.james.JamesDatabase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.inject.Inject;

/**
 * Where broadcast messages are stored: the {@link MailboxDelivery} chosen by checking James's live schema
 * ({@link WriterSchema}) once, when it is first needed (at start when a broadcast resumes), and the search index
 * catch-up. The fast {@link DirectTableDelivery} when the schema is the one it was written for; otherwise
 * {@link MailboxManagerDelivery}, with one warning naming every difference. Thread-safe singleton.
 */
@Singleton
public final class BroadcastStorage implements MailboxDelivery, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BroadcastStorage.class);

    private final JamesDatabase james;
    private final SearchIndexCatchUp searchIndex;
    private final DirectTableDelivery direct;
    private final MailboxManagerDelivery api;
    private MailboxDelivery chosen;
    private DeliveryInterceptor interceptor = chosen -> chosen;

    /** The parts come from {@link BroadcastDeliveryModule}. */
    @Inject
    public BroadcastStorage(JamesDatabase james, SearchIndexCatchUp searchIndex, DirectTableDelivery direct,
                            MailboxManagerDelivery api) {
        this.james = james;
        this.searchIndex = searchIndex;
        this.direct = direct;
        this.api = api;
    }

    /** Only tests bind one (see {@link DeliveryInterceptor}); without a binding Guice skips this. */
    @Inject(optional = true)
    synchronized void interceptWith(DeliveryInterceptor interceptor) {
        this.interceptor = interceptor;
    }

    public SearchIndexCatchUp searchIndex() {
        return searchIndex;
    }

    /** The delivery in use; the first call checks the schema (and warns if it falls back). */
    public synchronized MailboxDelivery chosen() {
        if (chosen == null) {
            chosen = interceptor.around(choose());
        }
        return chosen;
    }

    private MailboxDelivery choose() {
        List<String> problems;
        try (Connection c = james.connection()) {
            problems = WriterSchema.problems(c);
        } catch (SQLException e) {
            problems = List.of("its schema cannot be read: " + e.getMessage());
        }
        if (problems.isEmpty()) {
            LOG.info("Broadcasts are stored by {} (James's schema checked)", direct.describe());
            return direct;
        }
        LOG.warn("James's mailbox database is not the one the broadcast writer was written for ({}); broadcasts are stored "
            + "through {} instead: correct, but far slower. Update MailboxBatchWriter and WriterSchema for this James version.",
            String.join("; ", problems), api.describe());
        return api;
    }

    @Override
    public List<Outcome> deliver(String broadcastId, String folder, List<MailboxBatchWriter.Delivery> deliveries)
            throws SQLException, MailboxException {
        return chosen().deliver(broadcastId, folder, deliveries);
    }

    @Override
    public SortedMap<Integer, Outcome> settle(String broadcastId, int afterSeq, int limit) throws SQLException, MailboxException {
        return chosen().settle(broadcastId, afterSeq, limit);
    }

    @Override
    public void recorded(String broadcastId, Collection<Integer> seqs) throws SQLException {
        chosen().recorded(broadcastId, seqs);
    }

    @Override
    public void finished(String broadcastId) throws SQLException {
        chosen().finished(broadcastId);
    }

    @Override
    public String describe() {
        return chosen().describe();
    }

    @Override
    public void close() {
        searchIndex.close();
    }
}

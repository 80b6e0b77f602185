package org.civicmail.broadcast.delivery;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.james.core.Username;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.jpa.JPAId;
import org.apache.james.mailbox.lucene.search.LuceneMessageSearchIndex;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.mailbox.store.MailboxSessionMapperFactory;
import org.apache.james.mailbox.store.mail.MailboxMapper;
import org.apache.james.mailbox.store.mail.MessageMapper;
import org.apache.james.mailbox.store.mail.model.MailboxMessage;
import org.civicmail.server.james.JamesDatabase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adds broadcast messages to James's search index after {@link MailboxBatchWriter} stored them (that path sends no
 * mailbox events, so James's index listener never hears of them). Works from the journal CM_BC_DELIVERY rows not yet
 * indexed (INDEXED 0, or 2 when their broadcast has finished), so nothing is forgotten across a crash: a row is
 * marked indexed (or, for a finished broadcast, deleted) only after the Lucene index has committed the message.
 * Runs on one daemon thread, woken after every stored batch and once a minute.
 */
public final class SearchIndexCatchUp implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SearchIndexCatchUp.class);
    private static final int BATCH = 500;

    private final JamesDatabase james;
    private final MailboxManager mailboxes;
    private final MailboxSessionMapperFactory mappers;
    private final LuceneMessageSearchIndex index;
    private final Object wakeUp = new Object();
    private final AtomicBoolean pending = new AtomicBoolean(true);
    private final Thread thread;
    private final AtomicInteger runningBroadcasts = new AtomicInteger();
    private volatile boolean closed;

    public SearchIndexCatchUp(JamesDatabase james, MailboxManager mailboxes, MailboxSessionMapperFactory mappers,
                              LuceneMessageSearchIndex index) {
        this.james = james;
        this.mailboxes = mailboxes;
        this.mappers = mappers;
        this.index = index;
        this.thread = new Thread(this::loop, "broadcast-search-index");
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /**
     * Holds indexing back while broadcasts run ({@code true} when one starts, {@code false} when it ends): on two
     * cores, indexing beside a broadcast halves its rate, and a citizen needs the message in the folder more urgently
     * than in search results. Indexing resumes, from the journal, when the last running broadcast ends.
     */
    public void deferWhile(boolean broadcastRunning) {
        if (broadcastRunning) {
            runningBroadcasts.incrementAndGet();
        } else if (runningBroadcasts.decrementAndGet() == 0) {
            poke();
        }
    }

    /** Tells the indexer that new messages were journaled. */
    public void poke() {
        pending.set(true);
        synchronized (wakeUp) {
            wakeUp.notifyAll();
        }
    }

    /** How many journaled broadcast messages are not in the search index yet. */
    public long backlog() throws SQLException {
        try (Connection c = james.connection();
             PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM CM_BC_DELIVERY WHERE INDEXED IN (0, 2)");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private void loop() {
        while (!closed) {
            try {
                if (runningBroadcasts.get() > 0) {
                    synchronized (wakeUp) {
                        wakeUp.wait(TimeUnit.SECONDS.toMillis(1));
                    }
                    continue;
                }
                if (pending.getAndSet(false)) {
                    while (!closed && runningBroadcasts.get() == 0 && indexSome() == BATCH) {
                        pending.set(true);
                    }
                }
                synchronized (wakeUp) {
                    if (!pending.get() && !closed) {
                        wakeUp.wait(TimeUnit.MINUTES.toMillis(1));
                        pending.set(true);
                    }
                }
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                LOG.warn("Search index catch-up for broadcast messages failed; retrying in a minute: {}", e.toString());
                sleepQuietly();
            }
        }
    }

    private record Entry(String broadcastId, int seq, long mailboxId, long uid) {
    }

    /** Indexes up to one batch; returns how many journal rows it handled. */
    int indexSome() throws Exception {
        List<Entry> entries = new ArrayList<>();
        try (Connection c = james.connection();
             PreparedStatement ps = c.prepareStatement("SELECT BC_ID, SEQ, MAILBOX_ID, MAIL_UID FROM CM_BC_DELIVERY "
                 + "WHERE INDEXED IN (0, 2) FETCH FIRST " + BATCH + " ROWS ONLY");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                entries.add(new Entry(rs.getString(1), rs.getInt(2), rs.getLong(3), rs.getLong(4)));
            }
        }
        if (entries.isEmpty()) {
            return 0;
        }
        MailboxSession session = mailboxes.createSystemSession(Username.of("civicmail-search-index"));
        try {
            MessageMapper messages = mappers.getMessageMapper(session);
            MailboxMapper folders = mappers.getMailboxMapper(session);
            for (Entry e : entries) {
                Mailbox mailbox = folders.findMailboxById(JPAId.of(e.mailboxId())).blockOptional().orElse(null);
                if (mailbox == null) {
                    continue; // folder deleted since: nothing to index
                }
                Iterator<MailboxMessage> found = messages.findInMailbox(mailbox, MessageRange.one(MessageUid.of(e.uid())),
                    MessageMapper.FetchType.FULL, 1);
                if (found.hasNext()) {
                    index.add(session, mailbox, found.next()).block();
                }
            }
        } finally {
            mailboxes.endProcessingRequest(session);
        }
        index.commit();
        // A row of a finished broadcast (2) is forgotten once indexed; one still running keeps it (1) for recovery.
        // The conditions keep a row that became 2 meanwhile from turning into 1 and staying forever.
        try (Connection c = james.connection();
             PreparedStatement indexed = c.prepareStatement("UPDATE CM_BC_DELIVERY SET INDEXED = 1 WHERE BC_ID = ? AND SEQ = ? AND INDEXED = 0");
             PreparedStatement forget = c.prepareStatement("DELETE FROM CM_BC_DELIVERY WHERE BC_ID = ? AND SEQ = ? AND INDEXED = 2")) {
            c.setAutoCommit(false);
            for (Entry e : entries) {
                for (PreparedStatement ps : new PreparedStatement[] {indexed, forget}) {
                    ps.setString(1, e.broadcastId());
                    ps.setInt(2, e.seq());
                    ps.addBatch();
                }
            }
            indexed.executeBatch();
            forget.executeBatch();
            c.commit();
        }
        return entries.size();
    }

    private void sleepQuietly() {
        try {
            Thread.sleep(TimeUnit.MINUTES.toMillis(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}

package org.civicmail.broadcast.delivery;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.james.core.Username;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.jpa.JPAId;
import org.civicmail.search.SubstringSearchIndex;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.mailbox.store.MailboxSessionMapperFactory;
import org.apache.james.mailbox.store.mail.MailboxMapper;
import org.apache.james.mailbox.store.mail.MessageMapper;
import org.apache.james.mailbox.store.mail.model.MailboxMessage;
import org.civicmail.james.JamesDatabase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings journaled broadcast messages into James's search index when the normal path (indexing each batch before it
 * is reported, {@link DirectTableDelivery}) did not: after a crash, for the messages stored but not yet reported
 * ({@link #indexNow}, before they are reported delivered), and in the background for journal rows of finished
 * broadcasts of older versions (INDEXED 2). A row is deleted only after the Lucene index has committed the message;
 * a message that cannot be indexed is skipped with its reason. Runs on one daemon thread, woken after every stored
 * batch and once a minute.
 */
public final class SearchIndexCatchUp implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SearchIndexCatchUp.class);
    private static final int BATCH = 500;

    private final JamesDatabase james;
    private final MailboxManager mailboxes;
    private final MailboxSessionMapperFactory mappers;
    private final SubstringSearchIndex index;
    private final Object wakeUp = new Object();
    private final AtomicBoolean pending = new AtomicBoolean(true);
    private final Thread thread;
    private final AtomicInteger runningBroadcasts = new AtomicInteger();
    private volatile boolean closed;

    public SearchIndexCatchUp(JamesDatabase james, MailboxManager mailboxes, MailboxSessionMapperFactory mappers,
                              SubstringSearchIndex index) {
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
             PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM CM_BC_DELIVERY WHERE INDEXED <> 1");
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

    /**
     * Indexes journaled messages now (after a crash, before their recipients are reported delivered) and commits the
     * index. A message already in the index is replaced, not added twice. Returns the recipients whose message could
     * not be indexed, with the reason.
     */
    Map<Integer, String> indexNow(List<DeliveryJournal.Entry> entries) throws SQLException {
        Map<Integer, String> failed = new HashMap<>();
        if (entries.isEmpty()) {
            return failed;
        }
        MailboxSession session = mailboxes.createSystemSession(Username.of("civicmail-search-index"));
        try {
            for (DeliveryJournal.Entry e : entries) {
                indexOne(session, e.mailboxId(), e.uid()).ifPresent(reason -> failed.put(e.seq(), reason));
            }
        } finally {
            mailboxes.endProcessingRequest(session);
        }
        try {
            index.commit();
        } catch (IOException e) {
            throw new SQLException("the search index cannot be saved: " + e.getMessage(), e);
        }
        return failed;
    }

    /** Indexes one stored message (replacing any earlier document of it); empty when done, else why not. */
    private Optional<String> indexOne(MailboxSession session, long mailboxId, long uid) {
        try {
            MessageMapper messages = mappers.getMessageMapper(session);
            MailboxMapper folders = mappers.getMailboxMapper(session);
            Mailbox mailbox = folders.findMailboxById(JPAId.of(mailboxId)).blockOptional().orElse(null);
            if (mailbox == null) {
                return Optional.empty(); // folder deleted since: nothing to index
            }
            index.delete(mailbox.getMailboxId(), MessageRange.one(MessageUid.of(uid)));
            Iterator<MailboxMessage> found = messages.findInMailbox(mailbox, MessageRange.one(MessageUid.of(uid)),
                MessageMapper.FetchType.FULL, 1);
            if (found.hasNext()) {
                index.add(session, mailbox, found.next()).block();
            }
            return Optional.empty();
        } catch (Exception e) {
            return Optional.of("stored, but not searchable (the search index refused it: " + e + ")");
        }
    }

    /**
     * Indexes up to one batch of journal rows left over from broadcasts that finished without them being indexed;
     * returns how many rows it handled. A message that cannot be indexed is skipped (logged with the reason), so one
     * bad message does not hold back the rest.
     */
    int indexSome() throws Exception {
        List<Entry> entries = new ArrayList<>();
        try (Connection c = james.connection();
             PreparedStatement ps = c.prepareStatement("SELECT BC_ID, SEQ, MAILBOX_ID, MAIL_UID FROM CM_BC_DELIVERY "
                 + "WHERE INDEXED = 2 FETCH FIRST " + BATCH + " ROWS ONLY");
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
            for (Entry e : entries) {
                indexOne(session, e.mailboxId(), e.uid()).ifPresent(reason ->
                    LOG.warn("Broadcast {}: the message of recipient {} is skipped by the search index: {}", e.broadcastId(), e.seq(), reason));
            }
        } finally {
            mailboxes.endProcessingRequest(session);
        }
        index.commit();
        try (Connection c = james.connection();
             PreparedStatement forget = c.prepareStatement("DELETE FROM CM_BC_DELIVERY WHERE BC_ID = ? AND SEQ = ? AND INDEXED = 2")) {
            c.setAutoCommit(false);
            for (Entry e : entries) {
                forget.setString(1, e.broadcastId());
                forget.setInt(2, e.seq());
                forget.addBatch();
            }
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

package org.civicmail.search;

import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import javax.inject.Inject;

import org.apache.james.core.Username;
import org.apache.james.lifecycle.api.Startable;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.SessionProvider;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.mailbox.model.SearchQuery.UidRange;
import org.apache.james.mailbox.store.MailboxSessionMapperFactory;
import org.apache.james.mailbox.store.mail.MessageMapper;
import org.apache.james.mailbox.store.mail.model.MailboxMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the {@link TextIndex} up to date at start:
 * <ul>
 * <li>when it was written with another layout, or not at all (a data directory from before it existed), every
 * folder's messages are read from the mailbox store and indexed; the new layout is committed only when every folder
 * is done, so after a crash in the middle the next start rebuilds again;</li>
 * <li>when the last run did not close it (a crash or {@code kill -9}: additions and expunges since the index's last
 * commit, at most {@link IndexCommitter#PERIOD_SECONDS} seconds of them, are lost), every folder's UIDs in the store
 * are compared with the index's: messages missing from the index are indexed, documents of messages no longer
 * stored are removed ("repaired" in the log).</li>
 * </ul>
 * Both run on one background thread, with progress in the log. A search of text keys in a folder not reached yet
 * does that folder first, so results are never wrong because of the rebuild or the repair.
 */
public final class TextIndexRebuild implements Startable {
    private static final Logger LOG = LoggerFactory.getLogger(TextIndexRebuild.class);
    private static final int BATCH = 200;
    private static final long PROGRESS_EVERY_NANOS = 10_000_000_000L;

    private final TextIndex text;
    private final MailboxSessionMapperFactory mappers;
    private final SessionProvider sessions;
    private final Set<String> pending = ConcurrentHashMap.newKeySet();
    /** Repair (compare each folder with the store) rather than rebuild (index every message). */
    private volatile boolean repair;
    private long repaired;
    private volatile Thread thread;
    private long indexed;
    private long total;
    private long lastProgress;

    @Inject
    public TextIndexRebuild(TextIndex text, MailboxSessionMapperFactory mappers, SessionProvider sessions) {
        this.text = text;
        this.mappers = mappers;
        this.sessions = sessions;
    }

    /**
     * Checks the index's layout; when it is not the current one, lists the folders (one query; counting their
     * messages is left to the background thread, so a large installation starts without waiting) and starts
     * rebuilding in the background.
     */
    public void start() throws Exception {
        String found = text.committedVersion();
        if (found.equals(TextIndex.VERSION)) {
            text.markComplete();
            // From now until the clean stop, the index's commit data says this run has it open: a crash before the
            // stop (even before the first periodic commit) makes the next start repair it.
            text.commit();
            if (!text.lastRunEndedUncleanly()) {
                return;
            }
            repair = true;
        }
        MailboxSession session = sessions.createSystemSession(Username.of("civicmail-search-index"));
        List<Mailbox> folders;
        try {
            folders = mappers.getMailboxMapper(session).list().collectList().block();
        } finally {
            mappers.endProcessingRequest(session);
        }
        for (Mailbox folder : folders) {
            pending.add(folder.getMailboxId().serialize());
        }
        String was = found.isEmpty() ? "by an older version (or none)" : "as '" + found + "'";
        Thread t = new Thread(() -> {
            if (repair) {
                runRepair(folders);
            } else {
                run(folders, was);
            }
        }, "search-index-rebuild");
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    private void run(List<Mailbox> folders, String was) {
        long started = System.nanoTime();
        lastProgress = started;
        try {
            count(folders);
            LOG.info("Search index: built {}, this version needs {}; re-indexing {} messages in {} folders in the background",
                was, TextIndex.VERSION, total, folders.size());
            for (Mailbox folder : folders) {
                if (Thread.currentThread().isInterrupted()) {
                    return;
                }
                ensureIndexed(folder);
            }
            text.markComplete();
            text.commit();
            LOG.info("Search index: re-indexed {} messages in {} folders in {} s", indexed, folders.size(),
                (System.nanoTime() - started) / 1_000_000_000L);
        } catch (Exception e) {
            LOG.error("Search index: re-indexing stopped ({}); it starts again at the next start", e.toString());
        }
    }

    private void runRepair(List<Mailbox> folders) {
        long started = System.nanoTime();
        lastProgress = started;
        LOG.info("Search index: the last run stopped without closing it; comparing {} folders with the mailboxes in the background",
            folders.size());
        try {
            for (Mailbox folder : folders) {
                if (Thread.currentThread().isInterrupted()) {
                    return;
                }
                ensureIndexed(folder);
            }
            text.commit();
            LOG.info("Search index: repaired {} messages in {} folders in {} s", repaired, folders.size(),
                (System.nanoTime() - started) / 1_000_000_000L);
        } catch (Exception e) {
            LOG.error("Search index: the repair stopped ({}); searches may miss messages delivered just before the crash", e.toString());
        }
    }

    private void count(List<Mailbox> folders) throws Exception {
        MailboxSession session = sessions.createSystemSession(Username.of("civicmail-search-index"));
        try {
            MessageMapper messages = mappers.getMessageMapper(session);
            long sum = 0;
            for (Mailbox folder : folders) {
                sum += messages.countMessagesInMailbox(folder);
            }
            synchronized (this) {
                total = sum;
            }
        } finally {
            mappers.endProcessingRequest(session);
        }
    }

    /** Indexes {@code folder} now if the rebuild has not reached it yet; returns when it is searchable. */
    void ensureIndexed(Mailbox folder) throws IOException {
        String id = folder.getMailboxId().serialize();
        if (!pending.contains(id)) {
            return;
        }
        synchronized (this) {
            if (pending.contains(id)) {
                if (repair) {
                    repairFolder(folder);
                } else {
                    indexFolder(folder);
                }
                pending.remove(id);
            }
        }
    }

    private void indexFolder(Mailbox folder) throws IOException {
        String id = folder.getMailboxId().serialize();
        int n;
        MessageUid[] next = {MessageUid.MIN_VALUE};
        do {
            n = forEach(folder, MessageRange.from(next[0]), MessageMapper.FetchType.FULL, m -> {
                text.put(id, m.getUid().asLong(), MessageTextReader.read(m.getFullContent()));
                next[0] = m.getUid().next();
            });
            progress(n);
        } while (n == BATCH);
    }

    /**
     * Makes the index hold exactly the folder's stored messages: indexes those it lacks (delivered after its last
     * commit), removes those the store no longer has (expunged after it).
     */
    private void repairFolder(Mailbox folder) throws IOException {
        String id = folder.getMailboxId().serialize();
        TreeSet<Long> indexed = text.uidsIn(id);
        TreeSet<Long> missing = new TreeSet<>();
        MessageUid[] next = {MessageUid.MIN_VALUE};
        int n;
        do {
            n = forEach(folder, MessageRange.from(next[0]), MessageMapper.FetchType.METADATA, m -> {
                if (!indexed.remove(m.getUid().asLong())) {
                    missing.add(m.getUid().asLong());
                }
                next[0] = m.getUid().next();
            });
        } while (n == BATCH);
        for (long gone : indexed) {
            text.delete(id, gone);
        }
        for (UidRange run : UidRanges.of(missing)) {
            MessageUid[] from = {run.getLowValue()};
            int n2;
            do {
                n2 = forEach(folder, MessageRange.range(from[0], run.getHighValue()), MessageMapper.FetchType.FULL, m -> {
                    text.put(id, m.getUid().asLong(), MessageTextReader.read(m.getFullContent()));
                    from[0] = m.getUid().next();
                });
            } while (n2 == BATCH);
        }
        int changed = indexed.size() + missing.size();
        if (changed > 0) {
            synchronized (this) {
                repaired += changed;
            }
            LOG.info("Search index: folder {} repaired: {} messages indexed, {} removed", id, missing.size(), indexed.size());
        }
    }

    private interface MessageAction {
        void accept(MailboxMessage message) throws IOException;
    }

    /**
     * Hands each of up to {@link #BATCH} messages of {@code range} in the folder to {@code action}, in UID order, in a
     * session of their own (content is read inside it); returns how many there were.
     */
    private int forEach(Mailbox folder, MessageRange range, MessageMapper.FetchType type, MessageAction action) throws IOException {
        MailboxSession session = sessions.createSystemSession(folder.getUser());
        try {
            Iterator<MailboxMessage> batch = mappers.getMessageMapper(session).findInMailbox(folder, range, type, BATCH);
            int n = 0;
            while (batch.hasNext()) {
                action.accept(batch.next());
                n++;
            }
            return n;
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("folder " + folder.generateAssociatedPath() + " cannot be read: " + e, e);
        } finally {
            mappers.endProcessingRequest(session);
        }
    }

    private void progress(int n) throws IOException {
        indexed += n;
        long now = System.nanoTime();
        if (now - lastProgress >= PROGRESS_EVERY_NANOS) {
            lastProgress = now;
            text.commit();
            LOG.info("Search index: re-indexed {} of {} messages", indexed, total);
        }
    }

    /** Stops a rebuild still running (it starts again at the next start). */
    public void stop() {
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
    }
}

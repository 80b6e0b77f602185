package org.civicmail.search;

import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import javax.inject.Inject;

import org.apache.james.core.Username;
import org.apache.james.lifecycle.api.Startable;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.SessionProvider;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.mailbox.store.MailboxSessionMapperFactory;
import org.apache.james.mailbox.store.mail.MessageMapper;
import org.apache.james.mailbox.store.mail.model.MailboxMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the {@link TextIndex} up to date at start when it was written with another layout, or not at all (a data
 * directory from before it existed): every folder's messages are read from the mailbox store and indexed, on one
 * background thread, with progress in the log. A search in a folder not reached yet indexes that folder first, so
 * results are never missing messages because of the rebuild. The new layout is committed only when every folder is
 * done; after a crash in the middle the next start rebuilds again.
 */
public final class TextIndexRebuild implements Startable {
    private static final Logger LOG = LoggerFactory.getLogger(TextIndexRebuild.class);
    private static final int BATCH = 200;
    private static final long PROGRESS_EVERY_NANOS = 10_000_000_000L;

    private final TextIndex text;
    private final MailboxSessionMapperFactory mappers;
    private final SessionProvider sessions;
    private final Set<String> pending = ConcurrentHashMap.newKeySet();
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
            return;
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
        Thread t = new Thread(() -> run(folders, was), "search-index-rebuild");
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
                indexFolder(folder);
                pending.remove(id);
            }
        }
    }

    private void indexFolder(Mailbox folder) throws IOException {
        String id = folder.getMailboxId().serialize();
        MessageUid next = MessageUid.MIN_VALUE;
        while (true) {
            MailboxSession session = sessions.createSystemSession(folder.getUser());
            int n = 0;
            try {
                Iterator<MailboxMessage> batch = mappers.getMessageMapper(session)
                    .findInMailbox(folder, MessageRange.from(next), MessageMapper.FetchType.FULL, BATCH);
                while (batch.hasNext()) {
                    MailboxMessage m = batch.next();
                    text.put(id, m.getUid().asLong(), MessageTextReader.read(m.getFullContent()));
                    next = m.getUid().next();
                    n++;
                }
            } catch (IOException e) {
                throw e;
            } catch (Exception e) {
                throw new IOException("folder " + folder.generateAssociatedPath() + " cannot be read: " + e, e);
            } finally {
                mappers.endProcessingRequest(session);
            }
            progress(n);
            if (n < BATCH) {
                return;
            }
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

package org.civicmail.search;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.annotation.PreDestroy;
import javax.inject.Inject;

import org.apache.james.lifecycle.api.Startable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits the search indexes a few seconds after messages were added or removed. James's index listener only adds
 * to Lucene's in-memory buffer (searches see it, a crash loses it); without this, messages delivered since the last
 * broadcast or clean stop would be missing from search after a {@code kill -9}. At most {@link #PERIOD_SECONDS}
 * seconds of additions are at risk.
 */
public final class IndexCommitter implements AutoCloseable, Startable {
    static final int PERIOD_SECONDS = 5;
    private static final int CLOSE_WAIT_SECONDS = 10;
    private static final Logger LOG = LoggerFactory.getLogger(IndexCommitter.class);

    private final SubstringSearchIndex index;
    private final TextIndex text;
    private ScheduledExecutorService timer;

    @Inject
    public IndexCommitter(SubstringSearchIndex index, TextIndex text) {
        this.index = index;
        this.text = text;
    }

    public synchronized void start() {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "search-index-commit");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::commitIfChanged, PERIOD_SECONDS, PERIOD_SECONDS, TimeUnit.SECONDS);
    }

    private void commitIfChanged() {
        if (!text.isDirty()) {
            return;
        }
        try {
            index.commit();
        } catch (Exception e) {
            LOG.warn("Search index: commit failed, retrying in {} s: {}", PERIOD_SECONDS, e.toString());
        }
    }

    @Override
    @PreDestroy
    public synchronized void close() {
        if (timer == null) {
            return;
        }
        // A commit under way is let finish, not interrupted: an interrupted commit fails (and logs so), and the
        // index's own close commits again right after this anyway.
        timer.shutdown();
        try {
            if (!timer.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
                LOG.warn("Search index: a periodic commit still runs after {} s at stop; the index's close commits", CLOSE_WAIT_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

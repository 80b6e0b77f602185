package org.civicmail.james;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import javax.inject.Inject;
import javax.inject.Singleton;

import org.apache.james.mailbox.model.MessageRange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Clears the stored {@code \Recent} flag of the messages a SELECT took, after the SELECT has answered. James 3.8.1
 * cleared it inside the SELECT: a write transaction that took the folder's mod-sequence (a commit of its own), locked
 * the recent messages' rows behind every writer holding them and committed (a log sync), the slowest part of SELECT
 * under concurrent writers (bench: SELECT p99 319 ms). The session that selected knows its recent messages without
 * the stored flag (James keeps them in the session; {@code org.civicmail.imap.view.RecentClaims} keeps another
 * session from taking them meanwhile). One worker thread applies the resets gathered over a second, one short
 * transaction per folder; \Recent is not a flag a client can change, so it takes no mod-sequence (RFC 7162 reports flag changes a
 * client can see). A reset lost (server stopped first, database error) leaves the messages recent for the next
 * session that selects the folder, as James would.
 */
@Singleton
public final class RecentFlagResets {
    private static final Logger LOG = LoggerFactory.getLogger(RecentFlagResets.class);
    private static final String RESET_RANGE =
        "UPDATE JAMES_MAIL SET MAIL_IS_RECENT = 0 WHERE MAILBOX_ID = ? AND MAIL_UID BETWEEN ? AND ? AND MAIL_IS_RECENT <> 0";
    /** Resets waiting beyond this are dropped (a stalled database); their messages stay recent in the database. */
    private static final int MAX_PENDING = 10_000;
    /**
     * How long resets gather before they are applied: every commit is a synchronous log write, the cost Derby's writers
     * queue behind, so the SELECTs of a folder within this time share one UPDATE and one commit.
     */
    private static final long GATHER_MILLIS = 1_000;

    private record Reset(long mailboxId, MessageRange range) {
    }

    private final JamesDatabase james;
    private final BlockingQueue<Reset> pending = new LinkedBlockingQueue<>(MAX_PENDING);

    @Inject
    RecentFlagResets(JamesDatabase james) {
        this.james = james;
        Thread worker = new Thread(this::run, "recent-flag-resets");
        worker.setDaemon(true);
        worker.start();
    }

    /** Schedules clearing the stored \Recent flag of {@code ranges} in folder {@code mailboxId}. */
    void schedule(long mailboxId, List<MessageRange> ranges) {
        for (MessageRange range : ranges) {
            if (!pending.offer(new Reset(mailboxId, range))) {
                LOG.warn("Stored \\Recent flags of {} in folder {} left set: {} resets already waiting", range, mailboxId, MAX_PENDING);
            }
        }
    }

    private void run() {
        List<Reset> batch = new ArrayList<>();
        while (true) {
            try {
                batch.add(pending.take());
                Thread.sleep(GATHER_MILLIS);
                pending.drainTo(batch);
                apply(perFolder(batch));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (SQLException | RuntimeException e) {
                LOG.warn("Stored \\Recent flags of {} message ranges left set: {}", batch.size(), e.toString());
            }
            batch.clear();
        }
    }

    /** One range per folder, from its lowest to its highest UID reset (a message in between is no longer recent). */
    private static List<Reset> perFolder(List<Reset> batch) {
        Map<Long, MessageRange> folders = new TreeMap<>();
        for (Reset r : batch) {
            folders.merge(r.mailboxId(), r.range(), (a, b) -> MessageRange.range(
                a.getUidFrom().compareTo(b.getUidFrom()) <= 0 ? a.getUidFrom() : b.getUidFrom(),
                a.getUidTo().compareTo(b.getUidTo()) >= 0 ? a.getUidTo() : b.getUidTo()));
        }
        return folders.entrySet().stream().map(e -> new Reset(e.getKey(), e.getValue())).toList();
    }

    /**
     * Each range in a transaction of its own (auto-commit): its rows locked in ascending UID order, as every writer of
     * the folder locks them, and never together with another folder's rows, so no lock cycle can form with them.
     */
    private void apply(List<Reset> batch) throws SQLException {
        try (Connection c = james.connection(); PreparedStatement reset = c.prepareStatement(RESET_RANGE)) {
            c.setAutoCommit(true);
            for (Reset r : batch) {
                reset.setLong(1, r.mailboxId());
                reset.setLong(2, r.range().getUidFrom().asLong());
                reset.setLong(3, r.range().getUidTo().asLong());
                reset.executeUpdate();
            }
        }
    }
}

package org.civicmail.broadcast.delivery;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

import org.civicmail.broadcast.store.SeqRuns;
import org.civicmail.james.JamesDatabase;

/**
 * Our broadcast delivery journal CM_BC_DELIVERY (in James's database, so that {@link MailboxBatchWriter} writes a
 * row in the same transaction as the message): one row per stored broadcast message, kept until the recipient's
 * outcome is recorded ({@link #forget}, after each batch's outcomes; {@link #finished} takes what a failed delete
 * left). Recovery needs a row only while its recipient has no outcome, and an outcome of the direct path is recorded
 * only after the copy was indexed, so a row of a running broadcast needs no mark of its own. INDEXED: 0 as written by
 * the direct path, 1 handled by the search index (journaled by the API path, or indexed while settling after a crash),
 * 2 rows that finished broadcasts of older versions left unindexed ({@link SearchIndexCatchUp} indexes and deletes
 * them; this version writes none).
 */
public final class DeliveryJournal {
    private final JamesDatabase james;

    public DeliveryJournal(JamesDatabase james) {
        this.james = james;
    }

    /** A journal row: where the recipient's message is. */
    public record Entry(int seq, long mailboxId, long uid, Instant deliveredAt, boolean indexed) {
    }

    /** Every journaled recipient of the broadcast (to inspect a small one; a running broadcast walks it with journaledAfter). */
    public Map<Integer, Entry> journaled(String broadcastId) throws SQLException {
        return select("", broadcastId, ps -> { });
    }

    /**
     * The next {@code limit} journaled recipients of the broadcast after {@code afterSeq}, in order (through the
     * primary key): a journal of a million rows is read a slice at a time.
     */
    public SortedMap<Integer, Entry> journaledAfter(String broadcastId, int afterSeq, int limit) throws SQLException {
        SortedMap<Integer, Entry> found = new TreeMap<>();
        found.putAll(select(" AND SEQ > ? ORDER BY SEQ FETCH FIRST " + Math.max(1, limit) + " ROWS ONLY", broadcastId,
            ps -> ps.setInt(2, afterSeq)));
        return found;
    }

    /** The journaled recipients of the broadcast with {@code from <= seq <= to}. */
    public Map<Integer, Entry> journaled(String broadcastId, int from, int to) throws SQLException {
        return select(" AND SEQ BETWEEN ? AND ?", broadcastId, ps -> {
            ps.setInt(2, from);
            ps.setInt(3, to);
        });
    }

    /**
     * The journaled recipients among exactly these deliveries (a try whose commit succeeded but whose reply was lost);
     * recipients of other batches whose seq falls between theirs are left out.
     */
    public Map<Integer, Entry> journaled(String broadcastId, List<MailboxBatchWriter.Delivery> batch) throws SQLException {
        if (batch.isEmpty()) {
            return new HashMap<>();
        }
        Map<Integer, Entry> found = journaled(broadcastId,
            batch.stream().mapToInt(MailboxBatchWriter.Delivery::seq).min().orElseThrow(),
            batch.stream().mapToInt(MailboxBatchWriter.Delivery::seq).max().orElseThrow());
        found.keySet().retainAll(batch.stream().map(MailboxBatchWriter.Delivery::seq).toList());
        return found;
    }

    /** Sets the parameters after the first (the broadcast id). */
    private interface Bind {
        void more(PreparedStatement ps) throws SQLException;
    }

    private Map<Integer, Entry> select(String andWhere, String broadcastId, Bind bind) throws SQLException {
        Map<Integer, Entry> found = new HashMap<>();
        try (Connection c = james.connection();
             PreparedStatement ps = c.prepareStatement("SELECT SEQ, MAILBOX_ID, MAIL_UID, DELIVERED_AT, INDEXED FROM CM_BC_DELIVERY "
                 + "WHERE BC_ID = ?" + andWhere)) {
            ps.setString(1, broadcastId);
            bind.more(ps);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.put(rs.getInt(1), new Entry(rs.getInt(1), rs.getLong(2), rs.getLong(3), rs.getTimestamp(4).toInstant(),
                        rs.getInt(5) == 1));
                }
            }
        }
        return found;
    }

    /** Journals one message stored through James's own API (already indexed by James's listener). */
    public void add(String broadcastId, int seq, long mailboxId, long uid, Instant at) throws SQLException {
        try (Connection c = james.connection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO CM_BC_DELIVERY (BC_ID, SEQ, MAILBOX_ID, MAIL_UID, DELIVERED_AT, INDEXED) "
                 + "VALUES (?, ?, ?, ?, ?, 1)")) {
            ps.setString(1, broadcastId);
            ps.setInt(2, seq);
            ps.setLong(3, mailboxId);
            ps.setLong(4, uid);
            ps.setTimestamp(5, Timestamp.from(at));
            ps.executeUpdate();
        }
    }

    /**
     * Marks these recipients' rows as handled by the search index (added, or skipped with the reason recorded in their
     * outcome), so that a second recovery does not index them again. Used when settling after a crash.
     */
    public void markIndexed(String broadcastId, Collection<Integer> seqs) throws SQLException {
        byRuns("UPDATE CM_BC_DELIVERY SET INDEXED = 1 WHERE BC_ID = ? AND SEQ BETWEEN ? AND ? AND INDEXED = 0", broadcastId, seqs);
    }

    /**
     * Deletes these recipients' rows: their outcomes are recorded, so recovery will not look for them. (Rows of
     * recipients without a row, failed ones, are simply not there.)
     */
    public void forget(String broadcastId, Collection<Integer> seqs) throws SQLException {
        byRuns("DELETE FROM CM_BC_DELIVERY WHERE BC_ID = ? AND SEQ BETWEEN ? AND ?", broadcastId, seqs);
    }

    /**
     * One statement per run of consecutive numbers (a batch of a fresh broadcast is one run), not one per row: the
     * same rows, a fraction of the statement executions.
     */
    private void byRuns(String sql, String broadcastId, Collection<Integer> seqs) throws SQLException {
        if (seqs.isEmpty()) {
            return;
        }
        try (Connection c = james.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            c.setAutoCommit(false);
            for (SeqRuns.Run run : SeqRuns.of(seqs)) {
                ps.setString(1, broadcastId);
                ps.setInt(2, run.first());
                ps.setInt(3, run.last());
                ps.addBatch();
            }
            ps.executeBatch();
            c.commit();
        }
    }

    /**
     * Called when every recipient of the broadcast has its outcome recorded: its journal rows are no longer needed
     * for recovery, and every one is handled by the search index (an outcome of the direct path is recorded after
     * indexing, the API path's James indexes), so whatever {@link #forget} left is deleted.
     */
    public void finished(String broadcastId) throws SQLException {
        try (Connection c = james.connection();
             PreparedStatement delete = c.prepareStatement("DELETE FROM CM_BC_DELIVERY WHERE BC_ID = ?")) {
            delete.setString(1, broadcastId);
            delete.executeUpdate();
        }
    }

    /** Seqs of entries not yet handled by the search index. */
    static List<Entry> unindexed(Map<Integer, Entry> journaled) {
        List<Entry> open = new ArrayList<>();
        journaled.values().forEach(e -> {
            if (!e.indexed()) {
                open.add(e);
            }
        });
        return open;
    }
}

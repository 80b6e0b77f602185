package org.civicmail.broadcast.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

import org.civicmail.broadcast.BroadcastKind;
import org.civicmail.broadcast.input.BroadcastPlan;
import org.civicmail.broadcast.input.BroadcastPlanner;
import org.civicmail.schema.DbObject;
import org.civicmail.schema.Migration;
import org.civicmail.schema.Schema;
import org.civicmail.server.CivicDatabase;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Broadcasts and per-recipient status in CivicMail's Derby database (tables BC_JOB, BC_RECIPIENT). A job and all
 * its recipients are written in one transaction, so a refused or interrupted creation leaves nothing behind.
 * Status changes are committed per batch. Thread-safe (every call uses its own connection).
 */
public final class BroadcastStore {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int INSERT_BATCH = 2_000;
    private static final String JOB_COLUMNS = "ID, AGENCY, KIND, AUDIENCE, SUBJECT, TEMPLATE, HTML, TEMPLATE_SHA256, DATA_SHA256, "
        + "DATA_CHARSET, ORIGIN, SIGNED_NOTICE, STATE, TOTAL, CREATED_AT, FINISHED_AT";
    private static final String RECIPIENT_COLUMNS = "SEQ, ADDRESS, ROW_NO, FIELDS, ATTACHMENT, STATE, REASON, DELIVERED_AT";

    /** Tables BC_JOB and BC_RECIPIENT; a change of layout is the next {@code .migration(...)} (ARCHITECTURE.md, Schemas). */
    static final Schema SCHEMA = Schema.named("broadcast")
        // Recognised by the tables alone: the released layout (a2537e2) had no STOP_REASON yet; migration 2 adds it.
        .baseline("jobs and recipients",
            List.of(DbObject.table("BC_JOB"), DbObject.table("BC_RECIPIENT")),
            "CREATE TABLE BC_JOB (ID VARCHAR(40) NOT NULL PRIMARY KEY, AGENCY VARCHAR(254) NOT NULL, "
                + "KIND VARCHAR(40) NOT NULL, AUDIENCE VARCHAR(1000) NOT NULL, SUBJECT VARCHAR(2000) NOT NULL, TEMPLATE CLOB NOT NULL, "
                + "HTML CLOB, TEMPLATE_SHA256 CHAR(64) NOT NULL, DATA_SHA256 CHAR(64) NOT NULL, DATA_CHARSET VARCHAR(40), "
                + "ORIGIN VARCHAR(40) NOT NULL, SIGNED_NOTICE BLOB, STATE VARCHAR(16) NOT NULL, TOTAL INT NOT NULL, "
                + "CREATED_AT TIMESTAMP NOT NULL, FINISHED_AT TIMESTAMP, EVIDENCE BLOB, STOP_REASON VARCHAR(1000))",
            // Pending recipients are read in SEQ order through the primary key with a cursor (pendingAfter): no index
            // on STATE, which every outcome would move.
            "CREATE TABLE BC_RECIPIENT (BC_ID VARCHAR(40) NOT NULL, SEQ INT NOT NULL, "
                + "ADDRESS VARCHAR(254) NOT NULL, ROW_NO INT NOT NULL, FIELDS LONG VARCHAR, ATTACHMENT VARCHAR(1000), "
                + "STATE CHAR(1) NOT NULL, REASON VARCHAR(1000), DELIVERED_AT TIMESTAMP, PRIMARY KEY (BC_ID, SEQ))")
        // Layouts baselined with the column already there (made by builds after the release) have nothing to add.
        .migration(new Migration(2, "stop reason of a job", c -> {
            try (ResultSet rs = c.getMetaData().getColumns(null, null, "BC_JOB", "STOP_REASON")) {
                if (rs.next()) {
                    return;
                }
            }
            try (java.sql.Statement s = c.createStatement()) {
                s.execute("ALTER TABLE BC_JOB ADD COLUMN STOP_REASON VARCHAR(1000)");
            }
        }))
        // BC_RECIPIENT on 4 KiB pages. With its LONG VARCHAR column Derby gave it 32 KiB pages, and Derby's first
        // update of a row allocates a buffer of the page's size: recording a broadcast's outcomes allocated 33 KB per
        // recipient (3.3 GB for a notice to 100,000, a tenth of all it allocated, in the launcher's 144 MiB heap),
        // 4.9 KB on 4 KiB pages; the table's pages in Derby's page cache shrink the same way. Derby takes the page
        // size of a new table from the database property at CREATE time, so the table is made anew and its rows copied
        // (once; a long FIELDS value goes to overflow pages as before).
        .migration(Migration.sql(3, "recipients on 4 KiB pages",
            "CALL SYSCS_UTIL.SYSCS_SET_DATABASE_PROPERTY('derby.storage.pageSize', '4096')",
            "CREATE TABLE BC_RECIPIENT_4K (BC_ID VARCHAR(40) NOT NULL, SEQ INT NOT NULL, "
                + "ADDRESS VARCHAR(254) NOT NULL, ROW_NO INT NOT NULL, FIELDS LONG VARCHAR, ATTACHMENT VARCHAR(1000), "
                + "STATE CHAR(1) NOT NULL, REASON VARCHAR(1000), DELIVERED_AT TIMESTAMP, PRIMARY KEY (BC_ID, SEQ))",
            "CALL SYSCS_UTIL.SYSCS_SET_DATABASE_PROPERTY('derby.storage.pageSize', NULL)",
            "INSERT INTO BC_RECIPIENT_4K (BC_ID, SEQ, ADDRESS, ROW_NO, FIELDS, ATTACHMENT, STATE, REASON, DELIVERED_AT) "
                + "SELECT BC_ID, SEQ, ADDRESS, ROW_NO, FIELDS, ATTACHMENT, STATE, REASON, DELIVERED_AT FROM BC_RECIPIENT",
            "DROP TABLE BC_RECIPIENT",
            "RENAME TABLE BC_RECIPIENT_4K TO BC_RECIPIENT"));

    private final CivicDatabase db;

    public BroadcastStore(CivicDatabase db) {
        this.db = db;
        SCHEMA.migrate(db.dataSource(), db.location());
    }

    /**
     * Stores the job and every recipient as pending, all or nothing, streaming the recipients from the plan (an
     * audience of accounts is read from the account table now, never held whole). The job's total is what was
     * stored, and a notice's data digest is taken over the stored addresses (one per line, in order).
     *
     * @return how many recipients were stored
     */
    public int create(String id, BroadcastPlan plan, String subject, byte[] signedNotice, Instant createdAt) {
        int[] seq = {0};
        db.inTransaction("cannot store broadcast " + id, c -> {
            MessageDigest addresses = BroadcastPlanner.sha256Digest();
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO BC_RECIPIENT (BC_ID, SEQ, ADDRESS, ROW_NO, FIELDS, ATTACHMENT, STATE) "
                + "VALUES (?,?,?,?,?,?,'P')")) {
                plan.recipients().forEach(r -> {
                    try {
                        ps.setString(1, id);
                        ps.setInt(2, ++seq[0]);
                        ps.setString(3, r.address());
                        ps.setInt(4, r.rowNumber());
                        if (r.fields().isEmpty()) {
                            ps.setNull(5, Types.LONGVARCHAR);
                        } else {
                            ps.setString(5, JSON.writeValueAsString(r.fields()));
                        }
                        ps.setString(6, r.attachment().map(Object::toString).orElse(null));
                        ps.addBatch();
                        if (seq[0] % INSERT_BATCH == 0) {
                            ps.executeBatch();
                        }
                    } catch (SQLException | JsonProcessingException e) {
                        throw new StreamFailure(e);
                    }
                    addresses.update((r.address() + "\n").getBytes(StandardCharsets.UTF_8));
                });
                ps.executeBatch();
            } catch (StreamFailure e) {
                if (e.getCause() instanceof SQLException sql) {
                    throw sql;
                }
                throw (JsonProcessingException) e.getCause();
            }
            String dataSha = plan.dataSha256() != null ? plan.dataSha256() : HexFormat.of().formatHex(addresses.digest());
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO BC_JOB (" + JOB_COLUMNS + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
                ps.setString(1, id);
                ps.setString(2, plan.agency().address());
                ps.setString(3, plan.kind().cliName());
                ps.setString(4, truncate(plan.audience(), 1000));
                ps.setString(5, truncate(subject, 2000));
                ps.setString(6, plan.templateText());
                if (plan.htmlText() == null) {
                    ps.setNull(7, Types.CLOB);
                } else {
                    ps.setString(7, plan.htmlText());
                }
                ps.setString(8, plan.templateSha256());
                ps.setString(9, dataSha);
                ps.setString(10, plan.dataCharset());
                ps.setString(11, plan.origin());
                if (signedNotice == null) {
                    ps.setNull(12, Types.BLOB);
                } else {
                    ps.setBytes(12, signedNotice);
                }
                ps.setString(13, BroadcastJob.State.RUNNING.dbName());
                ps.setInt(14, seq[0]);
                ps.setTimestamp(15, Timestamp.from(createdAt));
                ps.setNull(16, Types.TIMESTAMP);
                ps.executeUpdate();
            }
        });
        return seq[0];
    }

    /** Carries a checked failure out of the recipients' stream (their {@code forEach} takes a plain consumer). */
    private static final class StreamFailure extends RuntimeException {
        StreamFailure(Exception cause) {
            super(cause);
        }

        @Override
        public synchronized Exception getCause() {
            return (Exception) super.getCause();
        }
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 3) + "...";
    }

    public Optional<BroadcastJob> job(String id) {
        List<BroadcastJob> jobs = jobs("WHERE ID = ?", id);
        return jobs.stream().findFirst();
    }

    /** Newest first. */
    public List<BroadcastJob> list(Optional<String> agency, int limit) {
        String order = " ORDER BY CREATED_AT DESC FETCH FIRST " + Math.max(1, limit) + " ROWS ONLY";
        return agency.map(a -> jobs("WHERE AGENCY = ?" + order, a)).orElseGet(() -> jobs(order));
    }

    public List<String> unfinished() {
        return jobs("WHERE STATE = ? ORDER BY CREATED_AT", BroadcastJob.State.RUNNING.dbName()).stream().map(BroadcastJob::id).toList();
    }

    private List<BroadcastJob> jobs(String where, String... params) {
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("SELECT " + JOB_COLUMNS + ", STOP_REASON FROM BC_JOB " + where)) {
            for (int i = 0; i < params.length; i++) {
                ps.setString(i + 1, params[i]);
            }
            List<BroadcastJob> result = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Timestamp finished = rs.getTimestamp("FINISHED_AT");
                    result.add(new BroadcastJob(rs.getString("ID"), rs.getString("AGENCY"), BroadcastKind.parse(rs.getString("KIND")),
                        rs.getString("AUDIENCE"), rs.getString("SUBJECT"), rs.getString("TEMPLATE"), rs.getString("HTML"),
                        rs.getString("TEMPLATE_SHA256"), rs.getString("DATA_SHA256"), rs.getString("DATA_CHARSET"), rs.getString("ORIGIN"),
                        rs.getBytes("SIGNED_NOTICE"), BroadcastJob.State.of(rs.getString("STATE")), rs.getInt("TOTAL"),
                        rs.getTimestamp("CREATED_AT").toInstant(), Optional.ofNullable(finished).map(Timestamp::toInstant),
                        Optional.ofNullable(rs.getString("STOP_REASON"))));
                }
            }
            return result;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read broadcasts: " + e.getMessage(), e);
        }
    }

    /**
     * The next {@code limit} recipients after {@code afterSeq} without an outcome, in order. Nothing is marked: the
     * delivery journal in the mailbox database tells, after a crash, which of them already have their message.
     * (Served in SEQ order by the primary key from {@code afterSeq} on: no sort of the remaining recipients per batch;
     * recipients that already have an outcome are skipped once, as the cursor passes them.)
     */
    public List<RecipientRow> pendingAfter(String id, int afterSeq, int limit) {
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("SELECT " + RECIPIENT_COLUMNS + " FROM BC_RECIPIENT "
                 + "WHERE BC_ID = ? AND STATE = 'P' AND SEQ > ? ORDER BY SEQ FETCH FIRST " + limit + " ROWS ONLY")) {
            ps.setString(1, id);
            ps.setInt(2, afterSeq);
            List<RecipientRow> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(read(rs, true));
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read recipients of broadcast " + id + ": " + e.getMessage(), e);
        }
    }

    /**
     * Numbers of the recipients with {@code from <= seq <= to} that have no outcome yet (a range of the primary key:
     * callers walk a large broadcast a slice at a time rather than holding all its pending numbers).
     */
    public Set<Integer> withoutOutcome(String id, int from, int to) {
        Set<Integer> seqs = new HashSet<>();
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("SELECT SEQ FROM BC_RECIPIENT WHERE BC_ID = ? AND SEQ BETWEEN ? AND ? "
                 + "AND STATE = 'P'")) {
            ps.setString(1, id);
            ps.setInt(2, from);
            ps.setInt(3, to);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    seqs.add(rs.getInt(1));
                }
            }
            return seqs;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read recipients of broadcast " + id + ": " + e.getMessage(), e);
        }
    }

    /**
     * Records a batch of outcomes in one commit. Delivered outcomes without a reason that share their time (a batch's
     * copies, committed together) are written one statement per run of consecutive recipients; the others one each.
     */
    public void record(String id, List<Outcome> outcomes) {
        if (outcomes.isEmpty()) {
            return;
        }
        Map<Instant, List<Integer>> plain = new LinkedHashMap<>();
        List<Outcome> others = new ArrayList<>();
        for (Outcome o : outcomes) {
            if (o.delivered() && o.reason() == null) {
                plain.computeIfAbsent(o.at(), at -> new ArrayList<>()).add(o.seq());
            } else {
                others.add(o);
            }
        }
        db.inTransaction("cannot record outcomes of broadcast " + id, c -> {
            try (PreparedStatement runs = c.prepareStatement("UPDATE BC_RECIPIENT SET STATE = 'D', REASON = NULL, DELIVERED_AT = ? "
                     + "WHERE BC_ID = ? AND SEQ BETWEEN ? AND ?");
                 PreparedStatement each = c.prepareStatement("UPDATE BC_RECIPIENT SET STATE = ?, REASON = ?, DELIVERED_AT = ? "
                     + "WHERE BC_ID = ? AND SEQ = ?")) {
                for (Map.Entry<Instant, List<Integer>> group : plain.entrySet()) {
                    for (SeqRuns.Run run : SeqRuns.of(group.getValue())) {
                        runs.setTimestamp(1, Timestamp.from(group.getKey()));
                        runs.setString(2, id);
                        runs.setInt(3, run.first());
                        runs.setInt(4, run.last());
                        runs.addBatch();
                    }
                }
                for (Outcome o : others) {
                    each.setString(1, o.delivered() ? "D" : "F");
                    each.setString(2, o.reason() == null ? null : truncate(o.reason(), 1000));
                    if (o.delivered()) {
                        each.setTimestamp(3, Timestamp.from(o.at()));
                    } else {
                        each.setNull(3, Types.TIMESTAMP);
                    }
                    each.setString(4, id);
                    each.setInt(5, o.seq());
                    each.addBatch();
                }
                runs.executeBatch();
                each.executeBatch();
            }
        });
    }

    /** Sets the reason shown in the report on these recipients, those of them still pending only (their state stays). */
    public void note(String id, Collection<Integer> seqs, String note) {
        String reason = truncate(note, 1000);
        updateEach("UPDATE BC_RECIPIENT SET REASON = ? WHERE BC_ID = ? AND SEQ = ? AND STATE = 'P'", seqs,
                "cannot note recipients of broadcast " + id, (ps, seq) -> {
                    ps.setString(1, reason);
                    ps.setString(2, id);
                    ps.setInt(3, seq);
                });
    }

    /** Runs one statement per item as one JDBC batch in one commit: all of it is recorded, or none of it. */
    private <T> void updateEach(String sql, Collection<T> items, String failure, RowBinder<T> binder) {
        db.inTransaction(failure, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (T item : items) {
                    binder.bind(ps, item);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        });
    }

    /** Sets one item's parameters on the batched statement. */
    @FunctionalInterface
    private interface RowBinder<T> {
        void bind(PreparedStatement ps, T item) throws SQLException;
    }

    public Counts counts(String id) {
        long p = 0, s = 0, d = 0, f = 0;
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("SELECT STATE, COUNT(*) FROM BC_RECIPIENT WHERE BC_ID = ? GROUP BY STATE")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long n = rs.getLong(2);
                    switch (rs.getString(1).charAt(0)) {
                        case 'P' -> p = n;
                        case 'S' -> s = n;
                        case 'D' -> d = n;
                        default -> f = n;
                    }
                }
            }
            return new Counts(p, s, d, f);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot count broadcast " + id + ": " + e.getMessage(), e);
        }
    }

    /** Every recipient in order, streamed. */
    public void forEachRecipient(String id, Consumer<RecipientRow> action) {
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("SELECT " + RECIPIENT_COLUMNS + " FROM BC_RECIPIENT "
                 + "WHERE BC_ID = ? ORDER BY SEQ")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    action.accept(read(rs, false));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read broadcast " + id + ": " + e.getMessage(), e);
        }
    }

    public void finish(String id, Instant at, byte[] evidence) {
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("UPDATE BC_JOB SET STATE = ?, FINISHED_AT = ?, EVIDENCE = ? WHERE ID = ?")) {
            ps.setString(1, BroadcastJob.State.FINISHED.dbName());
            ps.setTimestamp(2, Timestamp.from(at));
            ps.setBytes(3, evidence);
            ps.setString(4, id);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot finish broadcast " + id + ": " + e.getMessage(), e);
        }
    }

    /**
     * Ends a broadcast as stopped, in one commit: the job records why and when, and every recipient still without an
     * outcome is recorded as failed ("not sent") with that reason, so the report shows it on each of their lines.
     * Recipients whose copy was stored must have their outcome recorded before (see BroadcastRunner).
     */
    public void stop(String id, String reason, Instant at) {
        String why = truncate(reason, 1000);
        db.inTransaction("cannot record that broadcast " + id + " stopped", c -> {
            try (PreparedStatement recipients = c.prepareStatement("UPDATE BC_RECIPIENT SET STATE = 'F', REASON = ? "
                     + "WHERE BC_ID = ? AND STATE IN ('P', 'S')");
                 PreparedStatement job = c.prepareStatement("UPDATE BC_JOB SET STATE = ?, FINISHED_AT = ?, STOP_REASON = ? WHERE ID = ?")) {
                recipients.setString(1, truncate("not sent: the broadcast was stopped: " + reason, 1000));
                recipients.setString(2, id);
                recipients.executeUpdate();
                job.setString(1, BroadcastJob.State.STOPPED.dbName());
                job.setTimestamp(2, Timestamp.from(at));
                job.setString(3, why);
                job.setString(4, id);
                job.executeUpdate();
            }
        });
    }

    /**
     * Stops a broadcast for now, resumable: the job records why and when; its recipients without an outcome stay
     * pending, for {@link #resume}.
     */
    public void pause(String id, String reason, Instant at) {
        try (Connection c = db.connection();
             PreparedStatement job = c.prepareStatement("UPDATE BC_JOB SET STATE = ?, FINISHED_AT = ?, STOP_REASON = ? WHERE ID = ?")) {
            job.setString(1, BroadcastJob.State.STOPPED.dbName());
            job.setTimestamp(2, Timestamp.from(at));
            job.setString(3, truncate(reason, 1000));
            job.setString(4, id);
            job.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot record that broadcast " + id + " stopped: " + e.getMessage(), e);
        }
    }

    /**
     * A stopped broadcast that still has recipients without an outcome (stopped by {@link #pause}) runs again; false
     * when it is not stopped or has none left (a broadcast stopped for its signature recorded them all as not sent).
     */
    public boolean resume(String id) {
        try (Connection c = db.connection();
             PreparedStatement job = c.prepareStatement("UPDATE BC_JOB SET STATE = ?, FINISHED_AT = NULL, STOP_REASON = NULL "
                 + "WHERE ID = ? AND STATE = ? AND EXISTS (SELECT 1 FROM BC_RECIPIENT WHERE BC_ID = ? AND STATE = 'P')")) {
            job.setString(1, BroadcastJob.State.RUNNING.dbName());
            job.setString(2, id);
            job.setString(3, BroadcastJob.State.STOPPED.dbName());
            job.setString(4, id);
            return job.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot resume broadcast " + id + ": " + e.getMessage(), e);
        }
    }

    public Optional<byte[]> evidence(String id) {
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("SELECT EVIDENCE FROM BC_JOB WHERE ID = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.ofNullable(rs.getBytes(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the evidence of broadcast " + id + ": " + e.getMessage(), e);
        }
    }

    private static RecipientRow read(ResultSet rs, boolean withFields) throws SQLException {
        String fields = withFields ? rs.getString("FIELDS") : null;
        Map<String, String> values = Map.of();
        if (fields != null) {
            try {
                values = JSON.readValue(fields, new TypeReference<TreeMap<String, String>>() { });
            } catch (JsonProcessingException e) {
                throw new SQLException("unreadable FIELDS of recipient " + rs.getInt("SEQ") + ": " + e.getMessage(), e);
            }
        }
        Timestamp at = rs.getTimestamp("DELIVERED_AT");
        return new RecipientRow(rs.getInt("SEQ"), rs.getString("ADDRESS"), rs.getInt("ROW_NO"), values,
            Optional.ofNullable(rs.getString("ATTACHMENT")), rs.getString("STATE").charAt(0),
            Optional.ofNullable(rs.getString("REASON")), Optional.ofNullable(at).map(Timestamp::toInstant));
    }
}

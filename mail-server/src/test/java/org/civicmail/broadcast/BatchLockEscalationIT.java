package org.civicmail.broadcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.james.mailbox.exception.MailboxException;
import org.civicmail.account.Account;
import org.civicmail.account.AccountClass;
import org.civicmail.account.AccountService;
import org.civicmail.broadcast.delivery.DeliveryInterceptor;
import org.civicmail.broadcast.delivery.MailboxBatchWriter;
import org.civicmail.broadcast.delivery.MailboxDelivery;
import org.civicmail.broadcast.store.BroadcastJob;
import org.civicmail.broadcast.store.Outcome;
import org.civicmail.cli.InProcessCli;
import org.civicmail.config.CivicMailConfig;
import org.civicmail.james.JamesDatabase;
import org.civicmail.server.CivicDatabase;
import org.civicmail.server.CivicMailServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broadcast batch of the shipped default size keeps row locks on James's tables: it writes more MIME property rows
 * in its one transaction than Derby's default lock-escalation threshold (5,000), and an escalated batch would hold
 * the whole of JAMES_MAIL_PROPERTY (and JAMES_MAIL) locked until its commit, so that every IMAP FETCH of any
 * citizen's message structure waits for it (the attack: one agency's broadcast stalls every citizen's mail client).
 * The server raises the threshold; this test holds a default-size batch at its last row (see {@link Seam}) and
 * reads Derby's lock table while the batch has written everything else.
 */
class BatchLockEscalationIT {
    /** Derby's default derby.locks.escalationThreshold: a batch past it escalates unless the server raised it. */
    private static final int DERBY_DEFAULT_THRESHOLD = 5_000;
    private static final String TAG = "全市";

    @TempDir
    static Path dir;
    private static CivicMailServer server;
    private static int batchSize;
    private static final Seam SEAM = new Seam();

    @BeforeAll
    static void start() throws Exception {
        // The batch size the product ships with (conf/civicmail.properties), not one chosen for the test.
        batchSize = CivicMailConfig.load(Path.of("..", "conf"), Map.of()).broadcastBatchSize();
        server = InProcessBroadcasts.start(dir, batchSize, SEAM);
        SEAM.james = server.service(JamesDatabase.class);
        // One batch's worth of citizens, straight into the account table (an import would derive a password each).
        AccountService accounts = server.service(AccountService.class);
        String domain = InProcessBroadcasts.CITIZENS;
        try (Connection c = server.service(CivicDatabase.class).connection()) {
            c.setAutoCommit(false);
            for (int i = 0; i < batchSize; i++) {
                accounts.store().insert(c, new Account("esc" + i + "@" + domain, AccountClass.CITIZEN, "市民" + i, Optional.empty(),
                    List.of(TAG), Optional.empty(), Optional.empty(), Optional.empty(), false, false));
            }
            c.commit();
        }
        InProcessBroadcasts.cli(server, dir, 0, "agency-pw-1x", "account", "add", "--class", "official", "--address",
            "notices@gov.hangzhou.example", "--name", "通知局", "--agency", "通知局", "--employee-no", "E-1", "--password-stdin",
            "--may-broadcast");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aDefaultSizeBatchKeepsRowLocksOnJamesTables() throws Exception {
        Path template = Files.writeString(dir.resolve("notice.txt"), "Subject: 停水通知\n\n明日上午停水。\n", StandardCharsets.UTF_8);
        InProcessCli.Result sent = InProcessBroadcasts.cli(server, dir, 0, null, "broadcast", "send", "--from",
            "notices@gov.hangzhou.example", "--no-wait", "--kind", "policy-notice", "--template", template.toString(), "--to", "tag:" + TAG);
        String id = InProcessBroadcasts.broadcastId(sent);
        BroadcastService broadcasts = server.service(BroadcastService.class);
        await().atMost(Duration.ofSeconds(120)).until(() -> broadcasts.requireStatus(id).job().state() == BroadcastJob.State.FINISHED);

        assertThat(SEAM.failure.get()).as("the seam's own work").isNull();
        assertThat(SEAM.batchSizes).as("one batch of the default size").containsExactly(batchSize);
        List<Lock> held = SEAM.held.get();
        assertThat(held).as("the lock table while the batch waited at its last row").isNotEmpty();
        assertThat(held.stream().filter(l -> l.type().equals("TABLE") && !l.mode().startsWith("I")).toList())
            .as("locks on a whole table (only intent locks may sit beside the row locks)").isEmpty();
        long propertyRowLocks = held.stream().filter(l -> l.table().equals("JAMES_MAIL_PROPERTY") && l.type().equals("ROW")).count();
        // Guards the test itself: the batch is past Derby's default threshold, so with it the batch would escalate.
        assertThat(propertyRowLocks).as("row locks the batch holds on JAMES_MAIL_PROPERTY; it holds " + summary(held)).isGreaterThan(DERBY_DEFAULT_THRESHOLD);
        assertThat(broadcasts.requireStatus(id).counts().delivered()).isEqualTo(batchSize);
    }

    private static java.util.Map<Lock, Long> summary(List<Lock> held) {
        return held.stream().collect(java.util.stream.Collectors.groupingBy(l -> l, java.util.TreeMap::new, java.util.stream.Collectors.counting()));
    }

    /** A granted lock of the batch's transaction (SYSCS_DIAG.LOCK_TABLE). */
    record Lock(String table, String type, String mode) implements Comparable<Lock> {
        @Override
        public int compareTo(Lock o) {
            return toString().compareTo(o.toString());
        }
    }

    /**
     * Holds the broadcast's first batch at its last journal row, with everything else written, and reads the locks
     * its transaction holds there. In two steps, because the journal is read before the batch (recipients journaled
     * already are skipped) and a journal row inserted before would hold up that read instead: first the id sequence
     * row of OpenJPA is held (the batch takes its ids from it in a transaction of its own, after the journal read and
     * before its own transaction writes anything), then, once the batch waits there, the journal row of the batch's
     * last recipient is inserted uncommitted and the sequence let go; the batch writes every row and waits at that
     * last one. Then the locks are read and the row rolled back, and the batch commits.
     */
    static final class Seam implements DeliveryInterceptor {
        volatile JamesDatabase james;
        final List<Integer> batchSizes = java.util.Collections.synchronizedList(new ArrayList<>());
        final AtomicReference<List<Lock>> held = new AtomicReference<>(List.of());
        final AtomicReference<Throwable> failure = new AtomicReference<>();

        @Override
        public MailboxDelivery around(MailboxDelivery chosen) {
            return new InProcessBroadcasts.Forwarding(chosen) {
                @Override
                public List<Outcome> deliver(String broadcastId, String folder, List<MailboxBatchWriter.Delivery> deliveries)
                        throws SQLException, MailboxException {
                    batchSizes.add(deliveries.size());
                    int last = deliveries.get(deliveries.size() - 1).seq();
                    Connection sequence = james.connection();
                    sequence.setAutoCommit(false);
                    try (PreparedStatement ps = sequence.prepareStatement(
                        "UPDATE OPENJPA_SEQUENCE_TABLE SET SEQUENCE_VALUE = SEQUENCE_VALUE WHERE ID = 0")) {
                        if (ps.executeUpdate() != 1) {
                            throw new IllegalStateException("OpenJPA's sequence row is missing: the test cannot hold the batch");
                        }
                    }
                    Connection journal = james.connection();
                    journal.setAutoCommit(false);
                    Thread watcher = new Thread(() -> {
                        try {
                            await().atMost(Duration.ofSeconds(50)).until(() -> !waiting("OPENJPA_SEQUENCE_TABLE").isEmpty());
                            try (PreparedStatement ps = journal.prepareStatement("INSERT INTO CM_BC_DELIVERY (BC_ID, SEQ, MAILBOX_ID, "
                                + "MAIL_UID, DELIVERED_AT, INDEXED) VALUES (?, ?, 0, 0, ?, 0)")) {
                                ps.setString(1, broadcastId);
                                ps.setInt(2, last);
                                ps.setTimestamp(3, Timestamp.from(Instant.now()));
                                ps.executeUpdate();
                            }
                            sequence.rollback();
                            await().atMost(Duration.ofSeconds(50)).until(() -> {
                                // The batch's transaction among the journal's waiters (a reader of the journal may wait too).
                                for (String xid : waiting("CM_BC_DELIVERY")) {
                                    List<Lock> locks = locksOf(xid);
                                    if (locks.stream().anyMatch(l -> l.table().startsWith("JAMES_MAIL"))) {
                                        held.set(locks);
                                        return true;
                                    }
                                }
                                return false;
                            });
                        } catch (Throwable t) {
                            failure.set(t);
                        } finally {
                            for (Connection c : List.of(sequence, journal)) {
                                try {
                                    c.rollback();
                                    c.close();
                                } catch (SQLException e) {
                                    failure.compareAndSet(null, e);
                                }
                            }
                        }
                    }, "lock-watcher");
                    watcher.start();
                    return chosen.deliver(broadcastId, folder, deliveries);
                }
            };
        }

        /** Transactions waiting for a lock on {@code table}. */
        private List<String> waiting(String table) throws SQLException {
            List<String> xids = new ArrayList<>();
            try (Connection c = james.connection();
                 PreparedStatement ps = c.prepareStatement("SELECT XID FROM SYSCS_DIAG.LOCK_TABLE WHERE STATE = 'WAIT' AND TABLENAME = ?")) {
                ps.setString(1, table);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        xids.add(rs.getString(1));
                    }
                }
            }
            return xids;
        }

        private List<Lock> locksOf(String xid) throws SQLException {
            List<Lock> locks = new ArrayList<>();
            try (Connection c = james.connection();
                 PreparedStatement ps = c.prepareStatement(
                     "SELECT TABLENAME, TYPE, MODE FROM SYSCS_DIAG.LOCK_TABLE WHERE XID = ? AND STATE = 'GRANT'")) {
                ps.setString(1, xid);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        locks.add(new Lock(rs.getString(1).trim(), rs.getString(2).trim(), rs.getString(3).trim()));
                    }
                }
            }
            return locks;
        }
    }
}

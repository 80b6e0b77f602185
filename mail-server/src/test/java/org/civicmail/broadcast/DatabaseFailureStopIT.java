package org.civicmail.broadcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import org.apache.james.core.Username;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageManager;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.model.FetchGroup;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.mailbox.model.MessageResultIterator;
import org.civicmail.broadcast.delivery.DeliveryInterceptor;
import org.civicmail.broadcast.delivery.MailboxBatchWriter;
import org.civicmail.broadcast.delivery.MailboxDelivery;
import org.civicmail.broadcast.store.BroadcastJob;
import org.civicmail.broadcast.store.Outcome;
import org.civicmail.cli.InProcessCli;
import org.civicmail.server.CivicMailServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A mailbox database that keeps failing (made to fail through the batch seam, {@link DeliveryInterceptor}): the
 * broadcast stops after a bounded number of failed store attempts, as {@code stopped} with the reason in
 * {@code broadcast status} and its recipients not served still pending in the report; none of them is recorded as
 * failed. A batch whose commit went through but whose reply was lost (the database died right after it) is
 * accounted for at the stop: delivered when the journal can still be read, else marked in the report as possibly
 * stored. {@code broadcast resume} then delivers every recipient exactly once.
 *
 * <p>The fault schedule is tied to the batches, not to timing: the batch holding recipient {@link #LOST_SEQ} (the
 * third of {@link #BATCH}) commits, loses its reply, and from that moment every store fails; so its retry always
 * meets the dead database, on a fast machine as on a slow one. What the other lane does meanwhile depends on timing;
 * the checks hold for any interleaving.
 */
class DatabaseFailureStopIT {
    private static final int RECIPIENTS = 80;
    private static final int BATCH = 10;
    private static final int LOST_SEQ = 2 * BATCH + 1;
    /**
     * Attempts that fail while the database is down: BroadcastRunner.MAX_FAILURES_IN_A_ROW (10) in a row, the first of
     * which is the lost reply's (not counted here), plus at most the other lane's attempt in flight when the stop came.
     */
    private static final int MIN_FAILED_ATTEMPTS = 10 - 1;
    private static final int MAX_FAILED_ATTEMPTS = 10;
    private static final String CITIZENS = InProcessBroadcasts.CITIZENS;
    private static final String AGENCY = "notices@gov.hangzhou.example";
    private static final String UNCONFIRMED = "commit not confirmed: the copy may already be stored; `broadcast resume` settles "
        + "this from the delivery journal";
    private static final FailingDatabase DATABASE = new FailingDatabase();

    @TempDir
    static Path dir;
    private static CivicMailServer server;

    @BeforeAll
    static void start() throws Exception {
        server = InProcessBroadcasts.start(dir, BATCH, DATABASE);
        InProcessBroadcasts.importCitizens(server, dir, "d", RECIPIENTS, "33010619850101");
        cli(0, "agency-pw-1", "account", "add", "--class", "official", "--address", AGENCY, "--name", "杭州市通知中心",
            "--agency", "杭州市通知中心", "--employee-no", "E-1", "--password-stdin", "--may-broadcast");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static InProcessCli.Result cli(int expectedExit, String stdin, String... args) {
        return InProcessBroadcasts.cli(server, dir, expectedExit, stdin, args);
    }

    @Test
    void aDatabaseThatKeepsFailingStopsTheBroadcastResumablyAndResumeDeliversEachRecipientOnce() throws Exception {
        // Writes fail, the journal can still be read: the stop settles the lost reply's batch from it.
        DATABASE.schedule(LOST_SEQ, false);
        String id = sendAndAwaitStop();
        BroadcastService broadcasts = server.service(BroadcastService.class);
        BroadcastStatus stopped = broadcasts.requireStatus(id);
        Map<String, Integer> copies = copiesPerRecipient(id);
        Map<String, CSVRecord> report = report(id);
        assertThat(copies.values()).as("copies stored before the stop").containsOnly(0, 1);
        // The user's view at the stop is exact: delivered are precisely those who hold a copy, the lost reply's included.
        assertThat(addressesWith(report, "delivered")).as("delivered at the stop").isEqualTo(holding(copies))
            .containsAll(lostBatch(report)).hasSizeGreaterThanOrEqualTo(2 * BATCH);
        assertThat(stopped.counts().delivered()).isEqualTo(holding(copies).size()).isLessThan(RECIPIENTS);
        assertThat(report.values()).filteredOn(r -> r.get("status").equals("pending")).allSatisfy(r -> assertThat(r.get("reason")).isEmpty());
        assertThat(cli(0, null, "broadcast", "status", id).out()).doesNotContain("commit was not confirmed");

        resumeAndCheckEachRecipientHasOneCopy(id);
    }

    @Test
    void aStopWhileTheJournalCannotBeReadMarksWhoMayHaveACopyAndResumeStillDeliversEachRecipientOnce() throws Exception {
        // The database is down altogether, the journal too: the lost reply's batch cannot be settled at the stop.
        DATABASE.schedule(LOST_SEQ, true);
        String id = sendAndAwaitStop();
        BroadcastService broadcasts = server.service(BroadcastService.class);
        BroadcastStatus stopped = broadcasts.requireStatus(id);
        Map<String, Integer> copies = copiesPerRecipient(id);
        Map<String, CSVRecord> report = report(id);
        assertThat(copies.values()).as("copies stored before the stop").containsOnly(0, 1);
        Set<String> delivered = addressesWith(report, "delivered");
        Set<String> marked = report.values().stream().filter(r -> r.get("status").equals("pending") && r.get("reason").equals(UNCONFIRMED))
            .map(r -> r.get("address")).collect(Collectors.toSet());
        assertThat(holding(copies)).as("every delivered recipient holds a copy").containsAll(delivered);
        // Who holds a copy without being delivered is exactly the lost reply's batch, and the report says they may.
        assertThat(difference(holding(copies), delivered)).isEqualTo(lostBatch(report));
        assertThat(marked).containsAll(lostBatch(report)).doesNotContainAnyElementsOf(delivered);
        assertThat(stopped.counts().delivered()).isEqualTo(delivered.size()).isGreaterThanOrEqualTo(BATCH);
        assertThat(cli(0, null, "broadcast", "status", id).out()).contains("; " + marked.size() + " of them were in store attempts "
            + "whose commit was not confirmed and may already have their copy (marked in `broadcast report`); resume settles them "
            + "from the delivery journal first, so none gets a second copy");

        resumeAndCheckEachRecipientHasOneCopy(id);
    }

    /** Sends a notice to every citizen and waits for the stop; checks what holds for any stop by a failing database. */
    private static String sendAndAwaitStop() throws Exception {
        Path template = Files.writeString(dir.resolve("notice.txt"), "Subject: 全市通知\n\n请知悉。\n", StandardCharsets.UTF_8);
        String id = InProcessBroadcasts.broadcastId(cli(0, null, "broadcast", "send", "--from", AGENCY, "--kind", "policy-notice",
            "--template", template.toString(), "--to", "tag:全市", "--no-wait"));
        BroadcastService broadcasts = server.service(BroadcastService.class);

        await().atMost(Duration.ofSeconds(120)).until(() -> broadcasts.requireStatus(id).job().state() == BroadcastJob.State.STOPPED);
        assertThat(DATABASE.failedWhileDown.get()).as("store attempts against the failing database are bounded")
            .isBetween(MIN_FAILED_ATTEMPTS, MAX_FAILED_ATTEMPTS);
        String status = cli(0, null, "broadcast", "status", id).out();
        assertThat(status).contains("state:       stopped")
            .contains("stopped:     the mailbox database failed 10 times in a row (last: java.sql.SQLException: simulated: "
                + "the mailbox database is unreachable); recipients not yet served are still pending: `broadcast resume " + id
                + "` continues once the database works again");
        BroadcastStatus stopped = broadcasts.requireStatus(id);
        assertThat(stopped.counts().failed()).as("no recipient is failed for the database's fault").isZero();
        assertThat(stopped.counts().pending()).isEqualTo(RECIPIENTS - stopped.counts().delivered());
        assertThat(broadcasts.reportCsv(id).lines().filter(l -> l.contains(",pending,"))).hasSize((int) stopped.counts().pending());
        return id;
    }

    /** The database is back: the broadcast resumes where it stopped, on request (not by itself). */
    private static void resumeAndCheckEachRecipientHasOneCopy(String id) throws Exception {
        BroadcastService broadcasts = server.service(BroadcastService.class);
        DATABASE.down = false;
        assertThat(cli(0, null, "broadcast", "resume", id).out()).contains("broadcast " + id + " resumed");
        await().atMost(Duration.ofSeconds(120)).until(() -> broadcasts.requireStatus(id).job().state() == BroadcastJob.State.FINISHED);
        BroadcastStatus finished = broadcasts.requireStatus(id);
        assertThat(finished.counts().delivered()).isEqualTo(RECIPIENTS);
        assertThat(finished.job().stopReason()).isEmpty();
        assertThat(copiesPerRecipient(id).values()).as("each recipient has exactly one copy").hasSize(RECIPIENTS).containsOnly(1);
        assertThat(report(id).values()).allSatisfy(r -> assertThat(r.get("reason")).isEmpty());
        assertThat(cli(0, null, "broadcast", "status", id).out()).contains("state:       finished").doesNotContain("stopped:");

        // Nothing to resume on a finished broadcast.
        assertThat(cli(2, null, "broadcast", "resume", id).err())
            .contains("broadcast " + id + " is finished; only a stopped broadcast can be resumed");
    }

    /** The report's lines by address. */
    private static Map<String, CSVRecord> report(String id) throws Exception {
        Map<String, CSVRecord> byAddress = new TreeMap<>();
        try (CSVParser csv = CSVParser.parse(server.service(BroadcastService.class).reportCsv(id),
                CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build())) {
            csv.forEach(r -> byAddress.put(r.get("address"), r));
        }
        assertThat(byAddress).hasSize(RECIPIENTS);
        return byAddress;
    }

    private static Set<String> addressesWith(Map<String, CSVRecord> report, String status) {
        return report.values().stream().filter(r -> r.get("status").equals(status)).map(r -> r.get("address")).collect(Collectors.toSet());
    }

    /** The recipients of the batch whose reply was lost (recipients are served in order of their number). */
    private static Set<String> lostBatch(Map<String, CSVRecord> report) {
        return report.values().stream().filter(r -> {
            int seq = Integer.parseInt(r.get("seq"));
            return seq >= LOST_SEQ && seq < LOST_SEQ + BATCH;
        }).map(r -> r.get("address")).collect(Collectors.toSet());
    }

    private static Set<String> holding(Map<String, Integer> copies) {
        return copies.entrySet().stream().filter(e -> e.getValue() > 0).map(Map.Entry::getKey).collect(Collectors.toSet());
    }

    private static Set<String> difference(Set<String> a, Set<String> b) {
        Set<String> d = new HashSet<>(a);
        d.removeAll(b);
        return d;
    }

    /** Copies of this broadcast (by Message-ID) in each recipient's notice folder, read through James. */
    private static Map<String, Integer> copiesPerRecipient(String id) throws Exception {
        MailboxManager mailboxes = server.service(MailboxManager.class);
        Map<String, Integer> copies = new TreeMap<>();
        for (int i = 0; i < RECIPIENTS; i++) {
            Username user = Username.of("d" + i + "@" + CITIZENS);
            MailboxSession session = mailboxes.createSystemSession(user);
            MailboxPath path = MailboxPath.forUser(user, BroadcastKind.POLICY_NOTICE.folder());
            int n = 0;
            if (Boolean.TRUE.equals(reactor.core.publisher.Mono.from(mailboxes.mailboxExists(path, session)).block())) {
                MessageManager folder = mailboxes.getMailbox(path, session);
                MessageResultIterator it = folder.getMessages(MessageRange.all(), FetchGroup.HEADERS, session);
                while (it.hasNext()) {
                    String headers = new String(it.next().getHeaders().getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                    if (headers.contains("<bc." + id + ".")) {
                        n++;
                    }
                }
            }
            copies.put(user.asString(), n);
        }
        return copies;
    }

    /**
     * The mailbox database as the broadcast writer sees it, made to fail on demand: the first store attempt of the
     * batch holding a given recipient commits and then loses its reply, and from that moment the database is down
     * (every store fails; reading the delivery journal too, if so scheduled) until the test brings it back.
     */
    static final class FailingDatabase implements DeliveryInterceptor {
        final AtomicInteger failedWhileDown = new AtomicInteger();
        private final AtomicBoolean replyLost = new AtomicBoolean();
        private volatile int loseReplyOfBatchWith = -1;
        private volatile boolean journalUnreadableWhileDown;
        volatile boolean down;

        void schedule(int seq, boolean journalUnreadable) {
            down = false;
            failedWhileDown.set(0);
            replyLost.set(false);
            journalUnreadableWhileDown = journalUnreadable;
            loseReplyOfBatchWith = seq;
        }

        @Override
        public MailboxDelivery around(MailboxDelivery chosen) {
            return new InProcessBroadcasts.Forwarding(chosen) {
                @Override
                public List<Outcome> deliver(String broadcastId, String folder, List<MailboxBatchWriter.Delivery> deliveries)
                        throws SQLException, MailboxException {
                    if (down) {
                        failedWhileDown.incrementAndGet();
                        throw new SQLException("simulated: the mailbox database is unreachable", "08001");
                    }
                    boolean loseReply = deliveries.stream().anyMatch(d -> d.seq() == loseReplyOfBatchWith) && replyLost.compareAndSet(false, true);
                    List<Outcome> outcomes = chosen.deliver(broadcastId, folder, deliveries);
                    if (loseReply) {
                        down = true;
                        throw new SQLException("simulated: the connection dropped after the commit", "08006");
                    }
                    return outcomes;
                }

                @Override
                public SortedMap<Integer, Outcome> settle(String broadcastId, int afterSeq, int limit) throws SQLException, MailboxException {
                    if (down && journalUnreadableWhileDown) {
                        throw new SQLException("simulated: the mailbox database is unreachable", "08001");
                    }
                    return chosen.settle(broadcastId, afterSeq, limit);
                }
            };
        }
    }
}

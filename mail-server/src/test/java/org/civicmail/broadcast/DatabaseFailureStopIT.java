package org.civicmail.broadcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

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
 * {@code broadcast status} and its recipients still pending in the report; none of them is recorded as failed.
 * {@code broadcast resume} then delivers every recipient exactly once, also the batch whose commit went through
 * but whose reply was lost.
 */
class DatabaseFailureStopIT {
    private static final int RECIPIENTS = 80;
    private static final int BATCH = 10;
    /**
     * Attempts that fail while the database is down: BroadcastRunner.MAX_FAILURES_IN_A_ROW (10) in a row, one fewer
     * when the lost reply's failure is still in the row (its retry came after the database went down), plus the
     * other lane's attempt in flight when the stop came.
     */
    private static final int MIN_FAILED_ATTEMPTS = 10 - 1;
    private static final int MAX_FAILED_ATTEMPTS = 10 + 1;
    private static final String CITIZENS = InProcessBroadcasts.CITIZENS;
    private static final String AGENCY = "notices@gov.hangzhou.example";
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
        // The second store attempt commits but its reply is lost; from the sixth on, the database is down.
        DATABASE.loseReplyOfAttempt = 2;
        DATABASE.downFromAttempt = 6;
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
        assertThat(stopped.counts().delivered()).isGreaterThanOrEqualTo(2L * BATCH).isLessThan(RECIPIENTS);
        assertThat(stopped.counts().pending()).isEqualTo(RECIPIENTS - stopped.counts().delivered());
        assertThat(broadcasts.reportCsv(id).lines().filter(l -> l.contains(",pending,"))).hasSize((int) stopped.counts().pending());
        assertThat(copiesPerRecipient(id)).as("copies stored before the stop").containsOnly(0, 1)
            .filteredOn(n -> n == 1).hasSize((int) stopped.counts().delivered());

        // The database is back: the broadcast resumes where it stopped, on request (not by itself).
        DATABASE.downFromAttempt = Integer.MAX_VALUE;
        assertThat(cli(0, null, "broadcast", "resume", id).out()).contains("broadcast " + id + " resumed");
        await().atMost(Duration.ofSeconds(120)).until(() -> broadcasts.requireStatus(id).job().state() == BroadcastJob.State.FINISHED);
        BroadcastStatus finished = broadcasts.requireStatus(id);
        assertThat(finished.counts().delivered()).isEqualTo(RECIPIENTS);
        assertThat(finished.job().stopReason()).isEmpty();
        assertThat(copiesPerRecipient(id)).as("each recipient has exactly one copy").hasSize(RECIPIENTS).containsOnly(1);
        assertThat(cli(0, null, "broadcast", "status", id).out()).contains("state:       finished").doesNotContain("stopped:");

        // Nothing to resume on a finished broadcast.
        assertThat(cli(2, null, "broadcast", "resume", id).err())
            .contains("broadcast " + id + " is finished; only a stopped broadcast can be resumed");
    }

    /** Copies of this broadcast (by Message-ID) in each recipient's notice folder, read through James. */
    private static List<Integer> copiesPerRecipient(String id) throws Exception {
        MailboxManager mailboxes = server.service(MailboxManager.class);
        List<Integer> copies = new java.util.ArrayList<>();
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
            copies.add(n);
        }
        return copies;
    }

    /** The mailbox database as the broadcast writer sees it, made to fail on demand. */
    static final class FailingDatabase implements DeliveryInterceptor {
        final AtomicInteger attempts = new AtomicInteger();
        final AtomicInteger failedWhileDown = new AtomicInteger();
        volatile int loseReplyOfAttempt = -1;
        volatile int downFromAttempt = Integer.MAX_VALUE;

        @Override
        public MailboxDelivery around(MailboxDelivery chosen) {
            return new InProcessBroadcasts.Forwarding(chosen) {
                @Override
                public List<Outcome> deliver(String broadcastId, String folder, List<MailboxBatchWriter.Delivery> deliveries)
                        throws SQLException, MailboxException {
                    int attempt = attempts.incrementAndGet();
                    if (attempt >= downFromAttempt) {
                        failedWhileDown.incrementAndGet();
                        throw new SQLException("simulated: the mailbox database is unreachable", "08001");
                    }
                    List<Outcome> outcomes = chosen.deliver(broadcastId, folder, deliveries);
                    if (attempt == loseReplyOfAttempt) {
                        throw new SQLException("simulated: the connection dropped after the commit", "08006");
                    }
                    return outcomes;
                }
            };
        }
    }
}

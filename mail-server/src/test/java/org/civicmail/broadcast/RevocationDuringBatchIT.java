package org.civicmail.broadcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.james.mailbox.exception.MailboxException;
import org.civicmail.broadcast.delivery.DeliveryInterceptor;
import org.civicmail.broadcast.delivery.MailboxBatchWriter;
import org.civicmail.broadcast.delivery.MailboxDelivery;
import org.civicmail.broadcast.store.BroadcastJob;
import org.civicmail.broadcast.store.Outcome;
import org.civicmail.ca.CertificateAuthority;
import org.civicmail.ca.SerialNumbers;
import org.civicmail.cli.InProcessCli;
import org.civicmail.server.CivicMailServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A revocation (or an agency disable) that lands while a batch is being written: no copy may be committed after the
 * revocation committed. The batch seam holds a chosen batch of each broadcast inside its commit path (its status
 * check done, its transaction not yet run) and revokes from another thread right then, the worst moment. The
 * revocation must wait for that batch (it is seen blocked in Derby's lock manager) and, once it has returned, no
 * batch may reach its commit any more; the broadcast stops with the reason. Rounds vary the batch, the kind
 * (notice signed once, bills signed per copy) and the revocation (ca revoke, account disable).
 */
class RevocationDuringBatchIT {
    private static final int RECIPIENTS = 60;
    private static final int BATCH = 10;
    private static final int ROUNDS = 6;
    private static final String CITIZENS = InProcessBroadcasts.CITIZENS;
    private static final String OFFICIALS = "gov.hangzhou.example";
    private static final Seam SEAM = new Seam();

    @TempDir
    static Path dir;
    private static CivicMailServer server;

    @BeforeAll
    static void start() throws Exception {
        server = InProcessBroadcasts.start(dir, BATCH, SEAM);
        InProcessBroadcasts.importCitizens(server, dir, "r", RECIPIENTS, "33010519900101");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static InProcessCli.Result cli(String stdin, String... args) {
        return InProcessBroadcasts.cli(server, dir, 0, stdin, args);
    }

    @Test
    void noCopyIsCommittedAfterARevocationThatLandsWhileABatchIsBeingWritten() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        for (int round = 0; round < ROUNDS; round++) {
            boolean bills = round % 3 == 1;
            boolean disable = round % 3 == 2;
            String agency = "agency" + round + "@" + OFFICIALS;
            cli("agency-pw-" + round + "x", "account", "add", "--class", "official", "--address", agency, "--name", "机关" + round,
                "--agency", "机关" + round, "--employee-no", "E-" + round, "--password-stdin", "--may-broadcast");
            String serial = SerialNumbers.toHex(server.service(CertificateAuthority.class).certificatesFor(agency).get(0).serial());
            int atBatch = 1 + random.nextInt(RECIPIENTS / BATCH - 2);
            String what = "round " + round + " (seed " + seed + ", " + (bills ? "bills" : "notice") + ", "
                + (disable ? "account disable" : "ca revoke") + " at batch " + atBatch + ")";
            Round r = SEAM.arm(atBatch, disable ? () -> cli(null, "account", "disable", agency)
                : () -> cli(null, "ca", "revoke", "--serial", "0x" + serial, "--reason", "keyCompromise"));

            String id = send(round, agency, bills);
            BroadcastService broadcasts = server.service(BroadcastService.class);
            await().atMost(Duration.ofSeconds(120)).until(() -> broadcasts.requireStatus(id).job().state() == BroadcastJob.State.STOPPED);
            r.revoker.get().join(Duration.ofSeconds(30).toMillis());

            assertThat(r.revocationReturnedBeforeTheHeldCommit.get()).as(what + ": the revocation must wait for the batch that passed "
                + "its check").isFalse();
            assertThat(r.violations).as(what + ": batches that reached their commit after the revocation had committed").isEmpty();
            BroadcastStatus status = broadcasts.requireStatus(id);
            assertThat(status.job().stopReason()).as(what).get().asString().contains(disable
                ? "the agency account " + agency + " is disabled" : "the certificate was revoked on ");
            long delivered = status.counts().delivered();
            assertThat(delivered).as(what + ": the copies stored are exactly those the batches committed").isEqualTo(r.stored.get());
            assertThat(delivered).as(what + ": the held batch was stored, nothing after the revocation").isGreaterThanOrEqualTo(
                (long) atBatch * BATCH).isLessThan(RECIPIENTS);
            assertThat(status.counts().failed()).isEqualTo(RECIPIENTS - delivered);
            assertThat(broadcasts.reportCsv(id).lines().filter(l -> l.contains(",failed,")))
                .allMatch(l -> l.contains("not sent: the broadcast was stopped: "));
        }
        SEAM.arm(Integer.MAX_VALUE, () -> { });
    }

    private static String send(int round, String agency, boolean bills) throws Exception {
        List<String> args = new ArrayList<>(List.of("broadcast", "send", "--from", agency, "--no-wait"));
        if (bills) {
            StringBuilder data = new StringBuilder("address,姓名,金额\n");
            for (int i = 0; i < RECIPIENTS; i++) {
                data.append('r').append(i).append('@').append(CITIZENS).append(",市民").append(i).append(',').append(10 + i).append(".00\n");
            }
            Path template = Files.writeString(dir.resolve("bill" + round + ".txt"), "Subject: 水费账单\n\n{{姓名}}：本月水费 {{金额}} 元。\n",
                StandardCharsets.UTF_8);
            args.addAll(List.of("--kind", "utility-bill", "--template", template.toString(), "--data",
                Files.writeString(dir.resolve("bills" + round + ".csv"), data.toString(), StandardCharsets.UTF_8).toString()));
        } else {
            Path template = Files.writeString(dir.resolve("notice" + round + ".txt"), "Subject: 全市通知 " + round + "\n\n请知悉。\n",
                StandardCharsets.UTF_8);
            args.addAll(List.of("--kind", "policy-notice", "--template", template.toString(), "--to", "tag:全市"));
        }
        return InProcessBroadcasts.broadcastId(cli(null, args.toArray(String[]::new)));
    }

    /** One broadcast's observations at the seam. */
    static final class Round {
        final int atBatch;
        final Runnable revocation;
        final AtomicInteger batches = new AtomicInteger();
        final AtomicInteger stored = new AtomicInteger();
        final AtomicBoolean revocationReturned = new AtomicBoolean();
        final AtomicBoolean revocationReturnedBeforeTheHeldCommit = new AtomicBoolean();
        final AtomicReference<Thread> revoker = new AtomicReference<>();
        final List<String> violations = java.util.Collections.synchronizedList(new ArrayList<>());

        Round(int atBatch, Runnable revocation) {
            this.atBatch = atBatch;
            this.revocation = revocation;
        }
    }

    /** Wraps the server's delivery: each batch passes here after its status check, right before its transaction. */
    static final class Seam implements DeliveryInterceptor {
        private volatile Round round;

        Round arm(int atBatch, Runnable revocation) {
            Round r = new Round(atBatch, revocation);
            round = r;
            return r;
        }

        @Override
        public MailboxDelivery around(MailboxDelivery chosen) {
            return new InProcessBroadcasts.Forwarding(chosen) {
                @Override
                public List<Outcome> deliver(String broadcastId, String folder, List<MailboxBatchWriter.Delivery> deliveries)
                        throws java.sql.SQLException, MailboxException {
                    Round r = round;
                    if (r.revocationReturned.get()) {
                        r.violations.add("a batch of " + deliveries.size() + " reached its commit after the revocation returned");
                    }
                    if (r.batches.incrementAndGet() == r.atBatch) {
                        // The worst moment: this batch passed its check; the revocation starts now, from elsewhere.
                        Thread t = new Thread(() -> {
                            r.revocation.run();
                            r.revocationReturned.set(true);
                        }, "revoker");
                        r.revoker.set(t);
                        t.start();
                        await().atMost(Duration.ofSeconds(30)).until(() -> r.revocationReturned.get() || waitsForADerbyLock(t));
                        r.revocationReturnedBeforeTheHeldCommit.set(r.revocationReturned.get());
                    }
                    List<Outcome> outcomes = chosen.deliver(broadcastId, folder, deliveries);
                    r.stored.addAndGet((int) outcomes.stream().filter(Outcome::delivered).count());
                    return outcomes;
                }
            };
        }

        /** Blocked in Derby's lock manager, waiting for a row lock to be granted. */
        private static boolean waitsForADerbyLock(Thread t) {
            Thread.State state = t.getState();
            if (state != Thread.State.WAITING && state != Thread.State.TIMED_WAITING) {
                return false;
            }
            for (StackTraceElement frame : t.getStackTrace()) {
                if (frame.getClassName().startsWith("org.apache.derby.impl.services.locks.")) {
                    return true;
                }
            }
            return false;
        }
    }
}

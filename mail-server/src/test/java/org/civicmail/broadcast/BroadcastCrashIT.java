package org.civicmail.broadcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.civicmail.broadcast.BroadcastFixture.CITIZENS;
import static org.civicmail.broadcast.BroadcastFixture.OFFICIALS;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.civicmail.testkit.CivicMailExtension;
import org.civicmail.testkit.DatabasesAtRest;
import org.civicmail.testkit.ForkedServer;
import org.civicmail.testkit.ForkedServer.CliResult;
import org.civicmail.testkit.RunningServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of the server process in the middle of a broadcast, then a restart: the broadcast resumes by itself and
 * every recipient ends with exactly one copy (counted over IMAP by Message-ID).
 */
class BroadcastCrashIT {
    static final String AGENCY = "water@" + OFFICIALS;
    /**
     * 30 batches of 10: killed after two of them, while the next are being stored. (It was 600 in batches of 20, the
     * same 30 batches; half the recipients halve the IMAP logins that count every copy afterwards, two thirds of the
     * class's time in CI: each citizen's first login creates the INBOX, about 65 ms of CPU.)
     */
    static final int RECIPIENTS = 300;
    static final int BATCH = 10;
    static final Pattern COUNTS = Pattern.compile("recipients:\\s+(\\d+) \\(delivered (\\d+), failed (\\d+), pending (\\d+)\\)");

    @TempDir
    Path tmp;

    @Test
    void aBroadcastKilledMidwayResumesAtStartAndEveryRecipientHasExactlyOneCopy() throws Exception {
        ForkedServer server = ForkedServer.start(tmp.resolve("data"), Map.of("civicmail.broadcast.port", "0",
            "civicmail.broadcast.batch-size", String.valueOf(BATCH)));
        String id;
        try {
            BroadcastFixture f = new BroadcastFixture(server, tmp);
            f.official(AGENCY, "杭州市水务集团", true);
            List<String[]> citizens = new ArrayList<>();
            for (int i = 0; i < RECIPIENTS; i++) {
                citizens.add(new String[] {"c" + i, "拱墅区"});
            }
            for (int from = 0, file = 1; from < RECIPIENTS; from += 90, file++) {
                f.citizens("many" + file + ".csv", citizens.subList(from, Math.min(RECIPIENTS, from + 90)), "33010519900" + file + "010");
            }
            Path template = Files.writeString(tmp.resolve("t.txt"), "Subject: 拱墅区供水通知\n\n明日检修。\n", StandardCharsets.UTF_8);
            CliResult sent = server.cli(null, "broadcast", "send", "--from", AGENCY, "--kind", "policy-notice", "--template",
                template.toString(), "--to", "tag:拱墅区", "--no-wait");
            assertThat(sent.exitCode()).as(sent.err()).isZero();
            id = BroadcastFixture.broadcastId(sent);

            // Killed in the middle, without any shutdown hook: as soon as `broadcast status` (the server's state over
            // the admin API, not its log) shows two batches delivered, while the next ones are being stored.
            ForkedServer running = server;
            await("two batches of " + id + " recorded").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(10))
                .until(() -> counts(running, id)[1] >= 2L * BATCH);
            server.kill9();
            // What the restart will find, read from the databases the killed process left (not from its log): the
            // broadcast still running with recipients pending, at least the two batches recorded delivered, and every
            // message stored before the kill either recorded delivered or in the delivery journal (written in the
            // transaction that stored it, deleted only once its outcome is recorded): what recovery settles from.
            try (DatabasesAtRest db = DatabasesAtRest.of(server.data())) {
                assertThat(db.civicValue("SELECT STATE FROM BC_JOB WHERE ID = ?", id)).isEqualTo("running");
                long delivered = db.civicNumber("SELECT COUNT(*) FROM BC_RECIPIENT WHERE BC_ID = ? AND STATE = 'D'", id);
                assertThat(delivered).isGreaterThanOrEqualTo(2L * BATCH);
                assertThat(db.civicNumber("SELECT COUNT(*) FROM BC_RECIPIENT WHERE BC_ID = ? AND STATE = 'P'", id)).isPositive();
                long stored = db.jamesNumber("SELECT COUNT(*) FROM JAMES_MAIL m JOIN JAMES_MAILBOX b ON b.MAILBOX_ID = m.MAILBOX_ID "
                    + "WHERE b.MAILBOX_NAME = ? AND b.USER_NAME LIKE ?", "通知", "c%@" + CITIZENS);
                assertThat(stored).as("copies stored before the kill").isGreaterThanOrEqualTo(delivered);
                assertThat(db.jamesNumber("SELECT COUNT(*) FROM CM_BC_DELIVERY WHERE BC_ID = ?", id) + delivered)
                    .as("journal rows of " + id + " plus recipients recorded delivered").isGreaterThanOrEqualTo(stored);
            }

        } finally {
            server.close();
        }
        // Nobody resumes it: the next start does (in the test's JVM: what it finds is not about the process), and
        // settles from the journal.
        try (CivicMailExtension restarted = CivicMailExtension.startedAfter(server, getClass())) {
            await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(200))
                .until(() -> restarted.cli(null, "broadcast", "status", id).out().contains("state:       finished"));
            long[] c = counts(restarted, id);
            assertThat(c).containsExactly(RECIPIENTS, RECIPIENTS, 0, 0);

            BroadcastFixture after = new BroadcastFixture(restarted, tmp);
            List<String> users = new ArrayList<>();
            for (int i = 0; i < RECIPIENTS; i++) {
                users.add("c" + i + "@" + CITIZENS);
            }
            Map<String, List<byte[]>> folders = after.folders(users, "通知");
            for (String user : users) {
                List<byte[]> copies = folders.get(user);
                assertThat(copies).as("copies in " + user + "'s 通知").hasSize(1);
                assertThat(BroadcastFixture.header(copies.get(0), "Message-ID")).startsWith("<bc." + id + ".");
            }
        }
    }

    private static long[] counts(RunningServer server, String id) throws Exception {
        CliResult r = server.cli(null, "broadcast", "status", id);
        Matcher m = COUNTS.matcher(r.out());
        assertThat(m.find()).as(r.out() + r.err()).isTrue();
        return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)), Long.parseLong(m.group(4))};
    }
}

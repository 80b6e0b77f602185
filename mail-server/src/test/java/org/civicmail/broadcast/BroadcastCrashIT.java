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
    static final int RECIPIENTS = 600;
    static final Pattern COUNTS = Pattern.compile("recipients:\\s+(\\d+) \\(delivered (\\d+), failed (\\d+), pending (\\d+)\\)");

    @TempDir
    Path tmp;

    @Test
    void aBroadcastKilledMidwayResumesAtStartAndEveryRecipientHasExactlyOneCopy() throws Exception {
        ForkedServer server = ForkedServer.start(tmp.resolve("data"), Map.of("civicmail.broadcast.port", "0",
            "civicmail.broadcast.batch-size", "20"));
        String id;
        try {
            BroadcastFixture f = new BroadcastFixture(server, tmp);
            f.official(AGENCY, "杭州市水务集团", true);
            List<String[]> citizens = new ArrayList<>();
            for (int i = 0; i < RECIPIENTS; i++) {
                citizens.add(new String[] {"c" + i, "拱墅区"});
            }
            f.citizens("many.csv", citizens.subList(0, 90), "330105199001010");
            f.citizens("many2.csv", citizens.subList(90, 180), "330105199002010");
            f.citizens("many3.csv", citizens.subList(180, 270), "330105199003010");
            f.citizens("many4.csv", citizens.subList(270, 360), "330105199004010");
            f.citizens("many5.csv", citizens.subList(360, 450), "330105199005010");
            f.citizens("many6.csv", citizens.subList(450, 540), "330105199006010");
            f.citizens("many7.csv", citizens.subList(540, 600), "330105199007010");
            Path template = Files.writeString(tmp.resolve("t.txt"), "Subject: 拱墅区供水通知\n\n明日检修。\n", StandardCharsets.UTF_8);
            CliResult sent = server.cli(null, "broadcast", "send", "--from", AGENCY, "--kind", "policy-notice", "--template",
                template.toString(), "--to", "tag:拱墅区", "--no-wait");
            assertThat(sent.exitCode()).as(sent.err()).isZero();
            id = BroadcastFixture.broadcastId(sent);

            // Killed in the middle, without any shutdown hook: as soon as `broadcast status` (the server's state over
            // the admin API, not its log) shows two batches of 20 delivered, while the next ones are being stored.
            ForkedServer running = server;
            await("two batches of " + id + " recorded").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(10))
                .until(() -> counts(running, id)[1] >= 40);
            server.kill9();
            // What the restart will find, read from the databases the killed process left (not from its log): the
            // broadcast still running with recipients pending, and the delivery journal holding every message stored
            // before the kill (written in the transaction that stored it), at least the two batches recorded delivered.
            try (DatabasesAtRest db = DatabasesAtRest.of(server.data())) {
                assertThat(db.civicValue("SELECT STATE FROM BC_JOB WHERE ID = ?", id)).isEqualTo("running");
                long delivered = db.civicNumber("SELECT COUNT(*) FROM BC_RECIPIENT WHERE BC_ID = ? AND STATE = 'D'", id);
                assertThat(delivered).isGreaterThanOrEqualTo(40);
                assertThat(db.civicNumber("SELECT COUNT(*) FROM BC_RECIPIENT WHERE BC_ID = ? AND STATE = 'P'", id)).isPositive();
                assertThat(db.jamesNumber("SELECT COUNT(*) FROM CM_BC_DELIVERY WHERE BC_ID = ?", id))
                    .as("journal rows of " + id).isGreaterThanOrEqualTo(delivered);
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

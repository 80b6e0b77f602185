package org.civicmail.broadcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.civicmail.broadcast.BroadcastFixture.CITIZENS;
import static org.civicmail.broadcast.BroadcastFixture.OFFICIALS;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.civicmail.admin.AdminClient;
import org.civicmail.server.DataDirectory;
import org.civicmail.testkit.CivicMailExtension;
import org.civicmail.testkit.DatabasesAtRest;
import org.civicmail.testkit.ForkedServer;
import org.civicmail.testkit.ForkedServer.CliResult;
import org.civicmail.testkit.OfflineCli;
import org.civicmail.testkit.RunningServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broadcast is judged when each batch is stored: revoking the agency's certificate (mid-way, or while the server is
 * down before it resumes) or disabling the agency stops it, with the reason in `broadcast status` and the report,
 * also after a restart; no copy is stored under the signature once the revocation is known.
 */
class BroadcastStopIT {
    /**
     * 40 batches of 5: the broadcast is still going out when the test acts after two of them. (It was 400 in batches of
     * 10, the same 40 batches; half the recipients halve the IMAP logins that read every copy afterwards, most of the
     * class's time in CI: each citizen's first login creates the INBOX, about 65 ms of CPU.)
     */
    static final int RECIPIENTS = 200;
    static final int BATCH = 5;
    /**
     * Batches a broadcast has in flight (BroadcastRunner.LANES): each may have committed just before the revocation and
     * recorded its outcomes just after it (RevocationDuringBatchIT proves that none commits after it).
     */
    static final int LANES = 2;
    static final Pattern COUNTS = Pattern.compile("recipients:\\s+(\\d+) \\(delivered (\\d+), failed (\\d+), pending (\\d+)\\)");

    @TempDir
    Path tmp;

    /** Small batches, so a broadcast is still going out when the test acts. */
    private static final Map<String, String> SMALL_BATCHES = Map.of("civicmail.broadcast.batch-size", String.valueOf(BATCH));

    /** In this JVM: for the tests that stop the server only gracefully, if at all. */
    private static CivicMailExtension inProcess() throws Exception {
        return CivicMailExtension.started(BroadcastStopIT.class, SMALL_BATCHES, ForkedServer.CONF);
    }

    /** In its own JVM: for the test that kills it. */
    private static ForkedServer forked(Path data) throws Exception {
        return ForkedServer.start(data, SMALL_BATCHES);
    }

    private static List<String[]> citizens(BroadcastFixture f, String tag) throws Exception {
        List<String[]> all = new ArrayList<>();
        for (int i = 0; i < RECIPIENTS; i++) {
            all.add(new String[] {"c" + i, tag});
        }
        for (int from = 0, file = 1; from < RECIPIENTS; from += 90, file++) {
            f.citizens("c" + file + ".csv", all.subList(from, Math.min(RECIPIENTS, from + 90)), "33010519900" + (100 + file) + "0");
        }
        return all;
    }

    /** A command run inside the running server over the admin API, without a CLI JVM's start-up (milliseconds). */
    private static String admin(RunningServer server, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        AdminClient client = AdminClient.forRunningServer(new DataDirectory(server.data())).orElseThrow();
        int code = client.execute(args, Path.of("."), new PrintWriter(out, true), new PrintWriter(err, true));
        assertThat(code).as(String.join(" ", args) + ": " + err).isZero();
        return out.toString();
    }

    private static String serialOf(String caListOutput, String agency) {
        return caListOutput.lines().filter(l -> l.endsWith(agency)).findFirst().orElseThrow(() -> new AssertionError(caListOutput))
            .split("\\s+")[0];
    }

    /**
     * Waits until two batches of broadcast {@code id} are recorded, read from {@code broadcast status} over the admin
     * API (the server's state, not its log), so the test acts while the broadcast is going out.
     */
    private static void awaitTwoBatches(RunningServer server, String id) {
        await("two batches of " + id + " recorded").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(10))
            .until(() -> {
                Matcher m = COUNTS.matcher(admin(server, "broadcast", "status", id));
                return m.find() && Long.parseLong(m.group(2)) >= 2L * BATCH;
            });
    }

    private static long[] counts(String status) {
        Matcher m = COUNTS.matcher(status);
        assertThat(m.find()).as(status).isTrue();
        return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)), Long.parseLong(m.group(4))};
    }

    /** Copies in each citizen's folder, read over IMAP: every one must carry a valid verdict by the agency. */
    private static int validCopies(BroadcastFixture f, String folder, String agency, String id) throws Exception {
        int copies = 0;
        List<String> users = new ArrayList<>();
        for (int i = 0; i < RECIPIENTS; i++) {
            users.add("c" + i + "@" + CITIZENS);
        }
        Map<String, List<byte[]>> folders = f.folders(users, folder);
        for (int i = 0; i < RECIPIENTS; i++) {
            List<byte[]> in = folders.get("c" + i + "@" + CITIZENS);
            assertThat(in.size()).as("copies for c" + i).isLessThanOrEqualTo(1);
            for (byte[] raw : in) {
                assertThat(BroadcastFixture.header(raw, "Message-ID")).startsWith("<bc." + id + ".");
                assertThat(BroadcastFixture.header(raw, "X-CivicMail-Signature")).as("verdict of c" + i + "'s copy")
                    .startsWith("valid; signer=\"" + agency + "\"");
                copies++;
            }
        }
        return copies;
    }

    @Test
    void revokingTheCertificateMidwayStopsTheNoticeForGoodAndNothingIsStoredUnderItAfterwards() throws Exception {
        String agency = "notices@" + OFFICIALS;
        try (CivicMailExtension server = inProcess()) {
            BroadcastFixture f = new BroadcastFixture(server, tmp);
            f.official(agency, "杭州市通知中心", true);
            citizens(f, "全市");
            String serial = serialOf(admin(server, "ca", "list", "--account", agency), agency);
            Path template = Files.writeString(tmp.resolve("notice.txt"), "Subject: 全市停电通知\n\n明日检修。\n", StandardCharsets.UTF_8);
            CliResult sent = server.cli(null, "broadcast", "send", "--from", agency, "--kind", "policy-notice", "--template",
                template.toString(), "--to", "tag:全市", "--no-wait");
            assertThat(sent.exitCode()).as(sent.err()).isZero();
            String id = BroadcastFixture.broadcastId(sent);

            // Attack: the agency's key is compromised while its notice is going out.
            awaitTwoBatches(server, id);
            RunningServer running = server;
            admin(running, "ca", "revoke", "--serial", "0x" + serial, "--reason", "keyCompromise");
            long deliveredWhenRevoked = counts(admin(running, "broadcast", "status", id))[1];

            await().atMost(Duration.ofSeconds(60)).until(() -> admin(running, "broadcast", "status", id).contains("state:       stopped"));
            String status = admin(running, "broadcast", "status", id);
            assertThat(status).contains("stopped:     the signature is no longer valid at delivery: the certificate was revoked on ")
                .contains("(keyCompromise)").contains("reason=revoked").contains("evidence:    none (the broadcast was stopped)");
            long[] c = counts(status);
            long delivered = c[1];
            assertThat(c[0]).isEqualTo(RECIPIENTS);
            assertThat(delivered).as("stopped mid-way").isLessThan(RECIPIENTS);
            // Only the batches that had committed before the revocation may have been counted after it.
            assertThat(delivered).isLessThanOrEqualTo(deliveredWhenRevoked + (long) LANES * BATCH);
            assertThat(c[2]).as("every other recipient is recorded as not sent").isEqualTo(RECIPIENTS - delivered);
            assertThat(c[3]).isZero();

            String report = admin(server, "broadcast", "report", id, "--csv");
            assertThat(report.lines().filter(l -> l.contains(",failed,"))).hasSize((int) (RECIPIENTS - delivered))
                .allMatch(l -> l.contains("not sent: the broadcast was stopped: the signature is no longer valid at delivery"));

            // After a restart it stays stopped: nothing resumes under the revoked signature.
            server.restart();
            assertThat(server.output()).noneMatch(line -> line.contains("Resuming broadcast " + id));
            String after = admin(server, "broadcast", "status", id);
            assertThat(after).contains("state:       stopped").contains("stopped:     the signature is no longer valid at delivery");
            assertThat(counts(after)).containsExactly(c);
            assertThat(validCopies(new BroadcastFixture(server, tmp), "通知", agency, id)).isEqualTo(delivered);
        }
    }

    @Test
    void aCertificateRevokedWhileTheServerWasDownStopsTheResumeBeforeAnyFurtherCopy() throws Exception {
        String agency = "bills@" + OFFICIALS;
        ForkedServer server = forked(tmp.resolve("data"));
        String id;
        String serial;
        try {
            BroadcastFixture f = new BroadcastFixture(server, tmp);
            f.official(agency, "杭州市水费中心", true);
            citizens(f, "账单户");
            serial = serialOf(admin(server, "ca", "list", "--account", agency), agency);
            StringBuilder csv = new StringBuilder("address,姓名,金额\n");
            for (int i = 0; i < RECIPIENTS; i++) {
                csv.append("c").append(i).append('@').append(CITIZENS).append(",市民").append(i).append(',').append(10 + i).append(".00\n");
            }
            Path data = Files.writeString(tmp.resolve("bills.csv"), csv.toString(), StandardCharsets.UTF_8);
            Path template = Files.writeString(tmp.resolve("bill.txt"), "Subject: 水费账单\n\n{{姓名}}：本月水费 {{金额}} 元。\n", StandardCharsets.UTF_8);
            CliResult sent = server.cli(null, "broadcast", "send", "--from", agency, "--kind", "utility-bill", "--template",
                template.toString(), "--data", data.toString(), "--no-wait");
            assertThat(sent.exitCode()).as(sent.err()).isZero();
            id = BroadcastFixture.broadcastId(sent);

            awaitTwoBatches(server, id);
            server.kill9();
        } finally {
            server.close();
        }
        // Attack: the key is revoked while the server is down; the resume must not send under it.
        CliResult revoke = OfflineCli.run(server.data(), "ca", "revoke", "--serial", "0x" + serial, "--reason", "keyCompromise");
        assertThat(revoke.exitCode()).as(revoke.err()).isZero();
        // What the next start finds (its databases, not a log): the broadcast still running, so the start resumes it.
        try (DatabasesAtRest db = DatabasesAtRest.of(server.data())) {
            assertThat(db.civicValue("SELECT STATE FROM BC_JOB WHERE ID = ?", id)).isEqualTo("running");
        }

        // The next start, in the test's JVM (what it finds in the data directory is not about the process).
        try (CivicMailExtension restarted = CivicMailExtension.startedAfter(server, BroadcastStopIT.class)) {
            await().atMost(Duration.ofSeconds(120)).until(() -> admin(restarted, "broadcast", "status", id).contains("state:       stopped"));
            String status = admin(restarted, "broadcast", "status", id);
            assertThat(status).contains("stopped:     the signing certificate of " + agency + " (serial " + serial + ") was revoked at ")
                .contains("(keyCompromise)");
            long[] c = counts(status);
            assertThat(c[1]).as("delivered before the kill").isGreaterThanOrEqualTo(2L * BATCH).isLessThan(RECIPIENTS);
            assertThat(c[2]).isEqualTo(RECIPIENTS - c[1]);
            // Exactly the copies stored before the kill exist, each with its own (then valid) verdict.
            assertThat(validCopies(new BroadcastFixture(restarted, tmp), "账单", agency, id)).isEqualTo(c[1]);
        }
    }

    @Test
    void disablingTheAgencyMidwayStopsItsBroadcast() throws Exception {
        String agency = "district@" + OFFICIALS;
        try (CivicMailExtension server = inProcess()) {
            BroadcastFixture f = new BroadcastFixture(server, tmp);
            f.official(agency, "杭州市某区政府", true);
            citizens(f, "某区");
            Path template = Files.writeString(tmp.resolve("notice.txt"), "Subject: 某区通知\n\n请知悉。\n", StandardCharsets.UTF_8);
            CliResult sent = server.cli(null, "broadcast", "send", "--from", agency, "--kind", "policy-notice", "--template",
                template.toString(), "--to", "tag:某区", "--no-wait");
            assertThat(sent.exitCode()).as(sent.err()).isZero();
            String id = BroadcastFixture.broadcastId(sent);
            awaitTwoBatches(server, id);
            // Attack: an agency whose account was disabled (staff left, account compromised) keeps broadcasting.
            admin(server, "account", "disable", agency);
            await().atMost(Duration.ofSeconds(60)).until(() -> admin(server, "broadcast", "status", id).contains("state:       stopped"));
            assertThat(admin(server, "broadcast", "status", id)).contains("stopped:     the agency account " + agency + " is disabled");
            assertThat(counts(admin(server, "broadcast", "status", id))[1]).isLessThan(RECIPIENTS);
        }
    }
}

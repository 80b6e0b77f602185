package org.civicmail.james;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.SSLSocketFactory;

import org.civicmail.bench.imap.MixedImapWorkload;
import org.civicmail.bench.imap.WorkloadReport;
import org.civicmail.testkit.ForkedServer;
import org.civicmail.testkit.ForkedServer.CliResult;
import org.civicmail.testkit.ImapDialog;
import org.civicmail.testkit.MailClient;
import org.civicmail.testkit.TestIds;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18 point 3: eight IMAP clients of two citizens work on the same folders for a bounded time (APPEND, FETCH,
 * STORE, EXPUNGE, COPY, MOVE, SEARCH, IDLE; see {@link MixedImapWorkload}) while SMTP deliveries and a broadcast land
 * in the same mailboxes. The run fails on any NO/BAD the clients did not cause, a dropped connection, a UID that
 * names two messages or goes back, an EXISTS that disagrees with the folder, and on any Derby deadlock or lock
 * timeout, or a James exception, in the server's output or derby.log. Afterwards each folder, quiet, must agree with
 * itself: SELECT's EXISTS = STATUS MESSAGES = messages FETCH 1:* lists, UIDNEXT above the last UID.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ImapConcurrencyIT {
    private static final String PASSWORD = "imap-load-pw-1";
    private static final String CITIZENS = "citizen.hangzhou.example";
    private static final String AGENCY = "city-notices@gov.hangzhou.example";
    private static final String CLERK = "city-clerk@gov.hangzhou.example";
    private static final List<String> USERS = List.of("load-a@" + CITIZENS, "load-b@" + CITIZENS);
    private static final List<String> FOLDERS = List.of("Shared", "Archive");
    /**
     * Bounded so CI stays short (about 3,000 operations of every kind in 20 s; it was 30 s, about 4,900, and the load
     * keeps both cores busy, so the bench module's other ITs waited for it); -Dimap.load.seconds=120 for a longer local run.
     */
    private static final Duration LOAD = Duration.ofSeconds(Long.getLong("imap.load.seconds", 20));
    private static final int CLIENTS = Integer.getInteger("imap.load.clients", 8);
    /** What betrays a lock cycle or a James failure under load, in the server's output or Derby's log. */
    private static final Pattern SERVER_TROUBLE = Pattern.compile(
        "deadlock|cycle of locks|40001|40XL1|40XL2|A lock could not be obtained|ConcurrentModificationException|NullPointerException"
            + "|processing failed|Save failed", Pattern.CASE_INSENSITIVE);

    @TempDir
    static Path tmp;
    ForkedServer server;
    SSLSocketFactory tls;

    @BeforeAll
    void start() throws Exception {
        server = ForkedServer.start(tmp.resolve("data"), Map.of("civicmail.broadcast.port", "0", "civicmail.broadcast.batch-size", "5"));
        for (String[] official : new String[][] {{AGENCY, "市政通知中心", "--may-broadcast"}, {CLERK, "办事员", null}}) {
            List<String> args = new ArrayList<>(List.of("account", "add", "--class", "official", "--address", official[0], "--name",
                official[1], "--agency", official[1], "--employee-no", "E-" + official[0].length(), "--password-stdin"));
            if (official[2] != null) {
                args.add(official[2]);
            }
            CliResult r = server.cli(PASSWORD, args.toArray(String[]::new));
            assertThat(r.exitCode()).as(r.err()).isZero();
        }
        StringBuilder csv = new StringBuilder("class,address,name,id-number,tags,password\n");
        List<String> citizens = new ArrayList<>(USERS);
        for (int i = 0; i < 8; i++) {
            citizens.add("load-crowd" + i + "@" + CITIZENS);
        }
        for (int i = 0; i < citizens.size(); i++) {
            csv.append("citizen,").append(citizens.get(i)).append(",市民").append(i).append(',')
                .append(TestIds.residentId("3301061990010" + (1000 + i))).append(",并发测试,").append(PASSWORD).append('\n');
        }
        Path file = Files.writeString(tmp.resolve("citizens.csv"), csv, StandardCharsets.UTF_8);
        CliResult r = server.cli(null, "account", "import", file.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        tls = MailClient.trusting(server.data());
    }

    @AfterAll
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void eightClientsOnSharedFoldersWithDeliveriesAndABroadcastMeetNoRefusalDeadlockOrInconsistency() throws Exception {
        MixedImapWorkload workload = new MixedImapWorkload(new MixedImapWorkload.Settings(
            new InetSocketAddress("127.0.0.1", server.port("imaps")), tls, USERS, PASSWORD, CLIENTS, LOAD, FOLDERS, 10, 18));
        workload.prepare();

        AtomicBoolean loadRunning = new AtomicBoolean(true);
        ExecutorService side = Executors.newFixedThreadPool(2);
        CompletableFuture<Integer> deliveries = CompletableFuture.supplyAsync(() -> deliverWhile(loadRunning), side);
        CompletableFuture<CliResult> broadcast = CompletableFuture.supplyAsync(this::broadcast, side);
        WorkloadReport report;
        try {
            report = workload.run();
        } finally {
            loadRunning.set(false);
        }
        int delivered = deliveries.get(120, TimeUnit.SECONDS);
        CliResult sent = broadcast.get(300, TimeUnit.SECONDS);
        side.shutdown();
        report.print("civicmail", System.out);

        assertThat(sent.exitCode()).as(sent.err()).isZero();
        assertThat(sent.out()).contains("finished: 10 delivered, 0 failed");
        assertThat(delivered).as("SMTP deliveries made while the clients ran").isPositive();
        assertThat(report.problems()).as("refusals, drops and consistency violations under load").isEqualTo("none");
        // Not asserted: James's selected-folder view can count a message FETCH 1:* then does not list (view gaps, open in
        // issue 18 and in the README with figures). Printed above with the figures; the quiet check below still holds.
        // Each kind of command really ran, so a quiet pass cannot come from a workload that did nothing.
        for (String command : WorkloadReport.KINDS) {
            assertThat(report.operations(command)).as(command + " commands run").isPositive();
        }
        for (String user : USERS) {
            for (String folder : List.of("INBOX", FOLDERS.get(0), FOLDERS.get(1))) {
                assertFolderAgreesWithItself(user, folder);
            }
        }
        List<String> trouble = new ArrayList<>();
        server.output().stream().filter(l -> SERVER_TROUBLE.matcher(l).find()).forEach(trouble::add);
        Path derbyLog = server.data().resolve("logs").resolve("derby.log");
        if (Files.exists(derbyLog)) {
            Files.readAllLines(derbyLog, StandardCharsets.ISO_8859_1).stream().filter(l -> SERVER_TROUBLE.matcher(l).find()).forEach(trouble::add);
        }
        assertThat(trouble).as("deadlocks, lock timeouts and James exceptions in the server's output and derby.log").isEmpty();
    }

    /** Quiet now: a fresh SELECT, STATUS and FETCH 1:* agree on the folder's messages, UIDNEXT is above the last UID. */
    private void assertFolderAgreesWithItself(String user, String folder) throws Exception {
        try (ImapDialog d = ImapDialog.login(tls, server.port("imaps"), user, PASSWORD)) {
            long status = number(d.command("STATUS " + folder + " (MESSAGES UIDNEXT)"), "MESSAGES (\\d+)");
            List<String> selected = d.command("SELECT " + folder);
            long exists = number(selected, "^\\* (\\d+) EXISTS");
            long uidNext = number(selected, "UIDNEXT (\\d+)");
            List<Long> uids = new ArrayList<>();
            Pattern p = Pattern.compile("^\\* (\\d+) FETCH \\(UID (\\d+)\\)");
            for (String l : d.command("FETCH 1:* (UID)")) {
                Matcher m = p.matcher(l);
                if (m.find()) {
                    assertThat(Long.parseLong(m.group(1))).as(user + "/" + folder + " sequence numbers").isEqualTo(uids.size() + 1);
                    uids.add(Long.parseLong(m.group(2)));
                }
            }
            assertThat(exists).as(user + "/" + folder + ": SELECT's EXISTS = STATUS MESSAGES").isEqualTo(status);
            assertThat(uids).as(user + "/" + folder + ": FETCH 1:* lists EXISTS messages").hasSize((int) exists);
            for (int i = 1; i < uids.size(); i++) {
                assertThat(uids.get(i)).as(user + "/" + folder + ": UIDs rise").isGreaterThan(uids.get(i - 1));
            }
            if (!uids.isEmpty()) {
                assertThat(uidNext).as(user + "/" + folder + ": UIDNEXT above the last UID").isGreaterThan(uids.get(uids.size() - 1));
            }
        }
    }

    /** SMTP submissions from the clerk to both users, one after another, while the load runs (bounded by it). */
    private int deliverWhile(AtomicBoolean running) {
        try {
            MailClient client = new MailClient(server);
            int sent = 0;
            while (running.get() && sent < 200) {
                String to = USERS.get(sent % USERS.size());
                client.send(CLERK, PASSWORD, client.message(CLERK, to, "delivery " + sent, "delivered during the IMAP load " + sent));
                sent++;
            }
            return sent;
        } catch (Exception e) {
            throw new IllegalStateException("SMTP delivery during the load failed", e);
        }
    }

    /** One broadcast to the ten citizens tagged 并发测试 (the two load users among them), through the CLI. */
    private CliResult broadcast() {
        try {
            Path template = Files.writeString(tmp.resolve("notice.txt"), "Subject: 停水通知\n\n明日上午停水，请提前储水。\n",
                StandardCharsets.UTF_8);
            return server.cli(null, "broadcast", "send", "--from", AGENCY, "--kind", "policy-notice", "--template", template.toString(),
                "--to", "tag:并发测试");
        } catch (Exception e) {
            throw new IllegalStateException("broadcast during the load failed", e);
        }
    }

    private static long number(List<String> lines, String regex) {
        Pattern p = Pattern.compile(regex);
        for (String l : lines) {
            Matcher m = p.matcher(l);
            if (m.find()) {
                return Long.parseLong(m.group(1));
            }
        }
        throw new AssertionError("no " + regex + " in " + lines);
    }
}

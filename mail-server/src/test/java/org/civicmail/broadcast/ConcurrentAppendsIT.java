package org.civicmail.broadcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.civicmail.broadcast.BroadcastFixture.CITIZENS;
import static org.civicmail.broadcast.BroadcastFixture.OFFICIALS;
import static org.civicmail.broadcast.BroadcastFixture.PASSWORD;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.SSLSocketFactory;

import org.awaitility.Awaitility;
import org.civicmail.testkit.CivicMailExtension;
import org.civicmail.testkit.ForkedServer.CliResult;
import org.civicmail.testkit.ImapDialog;
import org.civicmail.testkit.MailClient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13 point 2 against the real server: while broadcasts write into citizens' notices folders, the same
 * citizens' IMAP clients APPEND and COPY into those folders and mail is delivered to their INBOX over SMTP. Lost
 * updates would show as a UID given twice or going back, a UIDNEXT that disagrees with the folder, or a quota
 * message count that differs from the messages present.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConcurrentAppendsIT {
    static final String AGENCY = "tax-office@" + OFFICIALS;
    static final String SENDER = "clerk-office@" + OFFICIALS;
    static final String NOTICES = "通知";
    static final List<String> HOT = List.of("hot1", "hot2", "hot3");
    static final int BROADCASTS = 4;
    static final int APPENDS = 12;
    static final int DELIVERIES = 6;

    @RegisterExtension
    static final CivicMailExtension server = new CivicMailExtension()
        .withConfiguration("civicmail.broadcast.batch-size", "10");
    @TempDir
    static Path tmp;
    BroadcastFixture f;
    SSLSocketFactory tls;

    @BeforeAll
    void start() throws Exception {
        f = new BroadcastFixture(server, tmp);
        f.official(AGENCY, "杭州市税务局", true);
        f.official(SENDER, "办事员", false);
        List<String[]> citizens = new ArrayList<>();
        HOT.forEach(h -> citizens.add(new String[] {h, "并发区"}));
        for (int i = 0; i < 60; i++) {
            citizens.add(new String[] {"crowd" + i, "并发区"});
        }
        f.citizens("citizens.csv", citizens, "330106198503030");
        tls = MailClient.trusting(server.data());
    }

    private ImapDialog login(String localPart) throws Exception {
        return ImapDialog.login(tls, server.port("imaps"), localPart + "@" + CITIZENS, PASSWORD);
    }

    @Test
    void appendsCopiesAndDeliveriesDuringBroadcastsKeepUidsUniqueAndQuotaExact() throws Exception {
        for (String h : HOT) {
            try (ImapDialog d = login(h)) {
                assertThat(d.tagged(d.command("CREATE " + ImapDialog.folder(NOTICES)))).contains("OK");
                // One message in INBOX for the COPY runs below.
                assertThat(d.tagged(d.append("INBOX", message(h, "to copy", 0)))).contains("OK");
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(HOT.size() + 2);
        try {
            List<Future<?>> running = new ArrayList<>();
            running.add(pool.submit(() -> {
                for (int b = 0; b < BROADCASTS; b++) {
                    Path template = Files.writeString(tmp.resolve("n" + b + ".txt"), "Subject: 通知" + b + "\n\n第" + b + "号通知 round" + b + "\n",
                        StandardCharsets.UTF_8);
                    CliResult r = server.cli(null, "broadcast", "send", "--from", AGENCY, "--kind", "policy-notice", "--template",
                        template.toString(), "--to", "tag:并发区");
                    assertThat(r.exitCode()).as(r.err()).isZero();
                    assertThat(r.out()).contains("finished: 63 delivered, 0 failed");
                }
                return null;
            }));
            for (String h : HOT) {
                running.add(pool.submit(() -> {
                    try (ImapDialog d = login(h)) {
                        for (int i = 1; i <= APPENDS; i++) {
                            assertThat(d.tagged(d.append(ImapDialog.folder(NOTICES), message(h, "append", i)))).as(h).contains("OK");
                            if (i % 4 == 0) {
                                d.command("SELECT INBOX");
                                assertThat(d.tagged(d.command("COPY 1 " + ImapDialog.folder(NOTICES)))).as(h).contains("OK");
                                d.command("UNSELECT");
                            }
                        }
                    }
                    return null;
                }));
            }
            running.add(pool.submit(() -> {
                MailClient client = new MailClient(server);
                for (int i = 1; i <= DELIVERIES; i++) {
                    for (String h : HOT) {
                        client.send(SENDER, PASSWORD, client.message(SENDER, h + "@" + CITIZENS, "delivery " + i, "delivered " + i));
                    }
                }
                return null;
            }));
            for (Future<?> r : running) {
                r.get();
            }
        } finally {
            pool.shutdownNow();
        }

        int copies = APPENDS / 4;
        Map<String, long[]> present = new java.util.HashMap<>();
        for (String h : HOT) {
            try (ImapDialog d = login(h)) {
                // SMTP deliveries go through James's queue: wait until they are all in the INBOX.
                Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> messages(d, "INBOX") == 1 + DELIVERIES);
                List<String> fetched = d.command("SELECT " + ImapDialog.folder(NOTICES));
                List<Long> uids = uids(d.command("FETCH 1:* (UID)"));
                assertThat(uids).as(h + " " + NOTICES + " holds every message").hasSize(BROADCASTS + APPENDS + copies);
                for (int i = 1; i < uids.size(); i++) {
                    assertThat(uids.get(i)).as(h + ": UIDs strictly increasing in sequence order, so unique: " + uids).isGreaterThan(uids.get(i - 1));
                }
                long uidNext = number(fetched, "UIDNEXT (\\d+)");
                assertThat(uidNext).as(h + ": UIDNEXT right after the last UID").isEqualTo(uids.get(uids.size() - 1) + 1);
                long[] countAndSize = sizes(d);
                d.command("SELECT INBOX");
                long[] inbox = sizes(d);
                present.put(h, new long[] {countAndSize[0] + inbox[0], countAndSize[1] + inbox[1]});
            }
        }
        // The quota counters as James keeps them, read from its database once the server has stopped.
        server.stop();
        String url = "jdbc:derby:" + server.data().resolve("derby").resolve("james").toAbsolutePath();
        try (Connection c = DriverManager.getConnection(url, "app", "");
             PreparedStatement ps = c.prepareStatement("SELECT CURRENTQUOTA_MESSAGECOUNT, CURRENTQUOTA_SIZE FROM JAMES_QUOTA_CURRENTQUOTA "
                 + "WHERE CURRENTQUOTA_QUOTAROOT = ?")) {
            for (String h : HOT) {
                ps.setString(1, "#private&" + h + "@" + CITIZENS);
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).as(h + " has a quota row").isTrue();
                    assertThat(rs.getLong(1)).as(h + ": quota message count = messages present").isEqualTo(present.get(h)[0]);
                    assertThat(rs.getLong(2)).as(h + ": quota size = sizes of the messages present").isEqualTo(present.get(h)[1]);
                }
            }
        } finally {
            try {
                DriverManager.getConnection(url + ";shutdown=true");
            } catch (SQLException expected) {
                // 08006: the database was shut down
            }
        }
    }

    /** Count and total RFC822.SIZE of the selected folder. */
    private static long[] sizes(ImapDialog d) throws Exception {
        Pattern p = Pattern.compile("RFC822\\.SIZE (\\d+)");
        long count = 0;
        long total = 0;
        for (String l : d.command("FETCH 1:* (RFC822.SIZE)")) {
            Matcher m = p.matcher(l);
            if (l.startsWith("* ") && m.find()) {
                count++;
                total += Long.parseLong(m.group(1));
            }
        }
        return new long[] {count, total};
    }

    private static byte[] message(String user, String what, int i) {
        return ("From: " + user + "@" + CITIZENS + "\r\nSubject: " + what + " " + i + "\r\n\r\n" + what + " number " + i + "\r\n")
            .getBytes(StandardCharsets.UTF_8);
    }

    private static long messages(ImapDialog d, String folder) throws Exception {
        String name = folder.equals("INBOX") ? "INBOX" : ImapDialog.folder(folder);
        return number(d.command("STATUS " + name + " (MESSAGES)"), "MESSAGES (\\d+)");
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

    private static List<Long> uids(List<String> fetch) {
        List<Long> uids = new ArrayList<>();
        Pattern p = Pattern.compile("^\\* \\d+ FETCH \\(UID (\\d+)\\)");
        for (String l : fetch) {
            Matcher m = p.matcher(l);
            if (m.find()) {
                uids.add(Long.parseLong(m.group(1)));
            }
        }
        return uids;
    }
}

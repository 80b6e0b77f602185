package org.civicmail.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;

import javax.net.ssl.SSLSocketFactory;

import org.apache.lucene.store.FSDirectory;
import org.civicmail.testkit.ForkedServer;
import org.civicmail.testkit.ForkedServer.CliResult;
import org.civicmail.testkit.MailClient;
import org.civicmail.testkit.TestIds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What substring search costs: IMAP SEARCH latency in one folder of N messages (default 5,000) for the text keys,
 * beside a search James's own index answers alone (UNSEEN), and the text index's size and indexing time per
 * message. A measurement, not a CI test: runs only with {@code -Dcivicmail.bench.search=N}; prints "BENCH" lines.
 */
class SearchLatencyIT {
    private static final String CITIZEN = "bench.user@citizen.hangzhou.example";
    private static final String PASSWORD = "correct horse 1";
    private static final String[] SUBJECTS = {"水费账单", "关于社保缴费的提醒", "Meeting notes", "Your statement",
        "社区活动通知", "Welcome back", "燃气费缴纳通知", "Library reminder"};
    private static final String CHINESE = "尊敬的市民：您好！根据相关规定，请您在规定期限内办理相关业务。如有疑问，请拨打服务热线咨询。";
    private static final String ENGLISH = "Dear resident, please find the details of your account below. Contact us with any question. ";

    @TempDir
    Path tmp;

    @Test
    void searchLatencyInALargeFolder() throws Exception {
        int n = Integer.getInteger("civicmail.bench.search", 0);
        assumeTrue(n > 0, "set -Dcivicmail.bench.search=N to measure");
        List<byte[]> messages = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            messages.add(message(i));
        }
        measureIndexing(messages);

        try (ForkedServer server = ForkedServer.start(tmp.resolve("data"))) {
            CliResult added = server.cli(PASSWORD + "\n", "account", "add", "--class", "citizen", "--address", CITIZEN,
                "--name", "测试", "--id-number", TestIds.residentId("11010519491231002"), "--password-stdin");
            assertThat(added.exitCode()).as(added.err()).isZero();
            SSLSocketFactory tls = MailClient.trusting(server.data());
            long appendStart = System.nanoTime();
            try (ImapSearchIT.Imap imap = ImapSearchIT.Imap.login(tls, server.port("imaps"), CITIZEN, PASSWORD)) {
                for (byte[] m : messages) {
                    imap.append(m);
                }
            }
            System.out.printf("BENCH append %d messages over IMAP (indexed as appended): %.1f s, load %s%n", n,
                (System.nanoTime() - appendStart) / 1e9, load());
            try (ImapSearchIT.Imap imap = ImapSearchIT.Imap.login(tls, server.port("imaps"), CITIZEN, PASSWORD)) {
                imap.command("EXAMINE INBOX");
                time(imap, "UNSEEN (the mailbox store's flags only)", "UID SEARCH UNSEEN", null);
                time(imap, "SUBJECT 汇算清缴", "UID SEARCH CHARSET UTF-8 SUBJECT ", "汇算清缴");
                time(imap, "BODY 退税", "UID SEARCH CHARSET UTF-8 BODY ", "退税");
                time(imap, "TEXT sdfghjk", "UID SEARCH CHARSET UTF-8 TEXT ", "sdfghjk");
                time(imap, "TEXT sdfghjk (atom, no literal)", "UID SEARCH TEXT sdfghjk", null);
                time(imap, "FROM tax-bureau@gov (atom, no literal)", "UID SEARCH FROM tax-bureau@gov", null);
                time(imap, "TEXT 规定 (in every message)", "UID SEARCH CHARSET UTF-8 TEXT ", "规定");
                time(imap, "FROM 税务局", "UID SEARCH CHARSET UTF-8 FROM ", "税务局");
                time(imap, "SENTON 30-Nov-2026", "UID SEARCH SENTON 30-Nov-2026", null);
                time(imap, "OR FLAGGED BODY 退税 (nested: UID ranges)", "UID SEARCH CHARSET UTF-8 OR FLAGGED BODY ", "退税");
            }
            System.out.printf("BENCH index size: substring %.1f MiB%n", size(server.data().resolve("james/var/search-text")));
        }
    }

    private void measureIndexing(List<byte[]> messages) throws Exception {
        Path dir = tmp.resolve("text-index");
        long start = System.nanoTime();
        try (TextIndex index = new TextIndex(FSDirectory.open(dir.toFile()))) {
            long uid = 1;
            for (byte[] m : messages) {
                index.put("1", uid++, MessageTextReader.read(new ByteArrayInputStream(m)));
            }
            index.commit();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("BENCH text index alone, in process: %d messages in %.2f s (%.2f ms/message), %.1f MiB, load %s%n",
            messages.size(), seconds, seconds * 1000 / messages.size(), size(dir), load());
    }

    private static void time(ImapSearchIT.Imap imap, String label, String command, String literal) throws Exception {
        List<Long> micros = new ArrayList<>();
        int hits = 0;
        for (int run = 0; run < 23; run++) {
            long t = System.nanoTime();
            List<String> answer = literal == null ? imap.command(command)
                : imap.commandWithLiteral(command, literal.getBytes(StandardCharsets.UTF_8));
            long took = (System.nanoTime() - t) / 1000;
            assertThat(answer.get(answer.size() - 1)).contains(" OK ");
            if (run >= 3) {
                micros.add(took);
            }
            hits = answer.stream().filter(l -> l.startsWith("* SEARCH")).findFirst().map(l -> l.split(" ").length - 2).orElse(0);
        }
        Collections.sort(micros);
        System.out.printf("BENCH %-45s hits %5d  p50 %6.1f ms  max %6.1f ms  (20 runs), load %s%n", label, hits,
            micros.get(micros.size() / 2) / 1000.0, micros.get(micros.size() - 1) / 1000.0, load());
    }

    private static byte[] message(int i) {
        String subject = SUBJECTS[i % SUBJECTS.length] + " " + i;
        if (i % 100 == 0) {
            subject = "2025年度个人所得税汇算清缴通知 " + i;
        }
        String from = i % 50 == 0 ? "=?UTF-8?B?" + b64("杭州市税务局") + "?= <tax-bureau@gov.hangzhou.example>"
            : "Service " + (i % 37) + " <service" + (i % 37) + "@example.org>";
        StringBuilder body = new StringBuilder();
        for (int k = 0; k < 12; k++) {
            body.append(k % 2 == 0 ? CHINESE : ENGLISH).append(i).append("\n");
        }
        if (i % 25 == 0) {
            body.append("您的退税申请已受理。\n");
        }
        if (i == n2()) {
            body.append("keyboard asdfghjkl\n");
        }
        String date = "Mon, " + (i % 2 == 0 ? "30 Nov" : "1 Dec") + " 2026 10:00:00 +0800";
        return ("From: " + from + "\r\nTo: " + CITIZEN + "\r\nSubject: =?UTF-8?B?" + b64(subject) + "?=\r\nDate: " + date
            + "\r\nMessage-ID: <bench-" + i + "@example.org>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
            + "Content-Transfer-Encoding: base64\r\n\r\n" + Base64.getMimeEncoder().encodeToString(body.toString().getBytes(StandardCharsets.UTF_8))
            + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    private static int n2() {
        return 1234;
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static double size(Path dir) throws Exception {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum() / 1048576.0;
        }
    }

    private static String load() throws Exception {
        return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    }
}

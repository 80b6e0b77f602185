package org.civicmail.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.mail.internet.MimeUtility;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

import org.civicmail.testkit.CivicMailExtension;
import org.civicmail.tls.TlsKeyStore;
import org.civicmail.testkit.ForkedServer.CliResult;
import org.civicmail.testkit.MailClient;
import org.civicmail.testkit.TestIds;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * IMAP SEARCH against the real server (issues 17 and 18): Chinese words in subjects, bodies and display names, RFC
 * 3501 substring and address semantics, SENT* by the Date header's own day, raw 8-bit (UTF-8 and GB18030) headers.
 * Our own raw IMAP client asks, and Python's imaplib asks the same questions as an independent judge.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ImapSearchIT {
    private static final String CITIZEN = "li.na@citizen.hangzhou.example";
    private static final String PASSWORD = "correct horse 1";
    private static final Charset GB18030 = Charset.forName("GB18030");

    @RegisterExtension
    static final CivicMailExtension server = new CivicMailExtension();
    @TempDir
    static Path tmp;
    private SSLSocketFactory tls;
    private final Map<String, Long> uids = new HashMap<>();

    @BeforeAll
    void deliver() throws Exception {
        tls = MailClient.trusting(server.data());
        CliResult added = server.cli(PASSWORD + "\n", "account", "add", "--class", "citizen", "--address", CITIZEN,
            "--name", "李娜", "--id-number", TestIds.residentId("33010619850312004"), "--password-stdin");
        assertThat(added.exitCode()).as(added.err()).isZero();
        CliResult agency = server.cli(PASSWORD + "\n", "account", "add", "--class", "official", "--address",
            "tax-bureau@gov.hangzhou.example", "--name", "王芳", "--agency", "杭州市税务局", "--employee-no", "SW-0001", "--password-stdin");
        assertThat(agency.exitCode()).as(agency.err()).isZero();

        try (Imap imap = Imap.login(tls, server.port("imaps"), CITIZEN, PASSWORD)) {
            imap.append(mime("tax-notice", "=?UTF-8?B?" + b64("杭州市税务局") + "?= <tax-bureau@gov.hangzhou.example>",
                CITIZEN, "=?UTF-8?B?" + b64("2025年度个人所得税汇算清缴通知") + "?=", "Tue, 1 Dec 2026 00:30:00 +0800",
                "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n",
                Base64.getMimeEncoder().encodeToString("请在6月30日前登录个人所得税App办理退税。".getBytes(StandardCharsets.UTF_8)))
                .getBytes(StandardCharsets.US_ASCII));
            imap.append(mime("welcome", "Welcome Team <hello@civicmail.example>", CITIZEN, "Welcome to CivicMail",
                "Mon, 30 Nov 2026 23:30:00 -0500", "Content-Type: text/plain; charset=us-ascii\r\n",
                "Your keyboard test: asdfghjkl qwerty.").getBytes(StandardCharsets.US_ASCII));
            imap.append(mime("group", "Tax Office <office@gov.hangzhou.example>",
                "tax team: a@gov.hangzhou.example, \"Wang Wu\" <wang.wu@gov.hangzhou.example>;", "Meeting",
                "Sun, 29 Nov 2026 09:00:00 +0000", "Content-Type: text/plain; charset=us-ascii\r\n", "Agenda attached.")
                .getBytes(StandardCharsets.US_ASCII));
        }
        // From outside, over inbound SMTP, with raw 8-bit header bytes (RFC 6532) as Chinese mail programs send them.
        smtp(mime("raw-utf8", "杭州市税务局 <service@hz-tax-refund.example.net>", CITIZEN, "退税申请确认",
            "Mon, 30 Nov 2026 10:00:00 +0800", "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n",
            "请点击链接领取退税。").getBytes(StandardCharsets.UTF_8));
        smtp(mime("raw-gb18030", "税务服务中心 <notice@tax-service.example.net>", CITIZEN, "汇算清缴提醒",
            "Mon, 30 Nov 2026 11:00:00 +0800", "Content-Type: text/plain; charset=GB2312\r\nContent-Transfer-Encoding: 8bit\r\n",
            "尚未完成年度汇算的纳税人请尽快办理。").getBytes(GB18030));

        try (Imap imap = Imap.login(tls, server.port("imaps"), CITIZEN, PASSWORD)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                imap.command("SELECT INBOX");
                return messageIds(imap).size() == 5;
            });
            uids.putAll(messageIds(imap));
        }
    }

    @Test
    void chineseWordsAreFoundInSubjectsBodiesAndDisplayNames() throws Exception {
        assertThat(search("SUBJECT", "汇算清缴")).isEqualTo(names("tax-notice", "raw-gb18030"));
        assertThat(search("BODY", "退税")).isEqualTo(names("tax-notice", "raw-utf8"));
        assertThat(search("TEXT", "税务局")).isEqualTo(names("tax-notice", "raw-utf8"));
        assertThat(search("FROM", "税务局")).isEqualTo(names("tax-notice", "raw-utf8"));
        assertThat(search("FROM", "税务服务中心")).isEqualTo(names("raw-gb18030"));
        assertThat(search("BODY", "年度汇算")).isEqualTo(names("raw-gb18030"));
        assertThat(search("SUBJECT", "Welcome")).isEqualTo(names("welcome"));
    }

    @Test
    void textIsMatchedAsACaseInsensitiveSubstring() throws Exception {
        assertThat(search("TEXT", "sdfghjk")).isEqualTo(names("welcome"));
        assertThat(search("BODY", "SDFGHJK")).isEqualTo(names("welcome"));
        assertThat(search("SUBJECT", "come to civ")).isEqualTo(names("welcome"));
        assertThat(search("BODY", "sdfghjkz")).isEmpty();
    }

    @Test
    void addressKeysMatchDisplayNamesAddressesAndGroups() throws Exception {
        assertThat(search("FROM", "Welcome Team")).isEqualTo(names("welcome"));
        assertThat(search("FROM", "hello@civicmail")).isEqualTo(names("welcome"));
        assertThat(search("TO", "Wang Wu")).isEqualTo(names("group"));
        assertThat(search("TO", "wang.wu@gov")).isEqualTo(names("group"));
        assertThat(search("TO", "tax team")).isEqualTo(names("group"));
        assertThat(search("FROM", "li.na@citizen")).isEmpty();
    }

    @Test
    void sentDatesAreTheDaysWrittenInTheDateHeaderIgnoringTheirTimeZone() throws Exception {
        // tax-notice: 1 Dec 00:30 +0800 (30 Nov in UTC); welcome: 30 Nov 23:30 -0500 (1 Dec in UTC).
        assertThat(searchKeys("SENTON 1-Dec-2026")).isEqualTo(names("tax-notice"));
        assertThat(searchKeys("SENTON 30-Nov-2026")).isEqualTo(names("welcome", "raw-utf8", "raw-gb18030"));
        assertThat(searchKeys("SENTBEFORE 30-Nov-2026")).isEqualTo(names("group"));
        assertThat(searchKeys("SENTSINCE 30-Nov-2026")).isEqualTo(names("tax-notice", "welcome", "raw-utf8", "raw-gb18030"));
    }

    @Test
    void textKeysCombineWithOrNotAndFlags() throws Exception {
        assertThat(searchKeys("NOT BODY asdfghjkl")).isEqualTo(names("tax-notice", "group", "raw-utf8", "raw-gb18030"));
        assertThat(searchKeys("OR SUBJECT Welcome SUBJECT Meeting")).isEqualTo(names("welcome", "group"));
        assertThat(searchKeys("UNSEEN SUBJECT Welcome")).isEqualTo(names("welcome"));
        assertThat(searchKeys("SEEN SUBJECT Welcome")).isEmpty();
    }

    @Test
    void flagsSizesAndUidsAreAnsweredFromTheMailboxAtOnce() throws Exception {
        try (Imap imap = Imap.login(tls, server.port("imaps"), CITIZEN, PASSWORD)) {
            imap.command("CREATE Metadata");
            // UIDs 1, 2, 3: subjects b, a, c; sizes middle, largest, smallest; all three say "common". (James 3.8.1's
            // IMAP has no SORT command and does not advertise one.)
            imap.append("Metadata", mime("sort-b", "b@example.org", CITIZEN, "b", "Mon, 30 Nov 2026 10:00:00 +0800",
                "Content-Type: text/plain; charset=us-ascii\r\n", "common " + "x".repeat(200)).getBytes(StandardCharsets.US_ASCII));
            imap.append("Metadata", mime("sort-a", "a@example.org", CITIZEN, "a", "Mon, 30 Nov 2026 09:00:00 +0800",
                "Content-Type: text/plain; charset=us-ascii\r\n", "common " + "x".repeat(400)).getBytes(StandardCharsets.US_ASCII));
            imap.append("Metadata", mime("sort-c", "c@example.org", CITIZEN, "c", "Mon, 30 Nov 2026 11:00:00 +0800",
                "Content-Type: text/plain; charset=us-ascii\r\n", "common").getBytes(StandardCharsets.US_ASCII));
            imap.command("SELECT Metadata");
            assertThat(found(imap.command("UID SEARCH ALL"))).containsExactly(1L, 2L, 3L);
            assertThat(found(imap.command("UID SEARCH LARGER 500 TEXT common"))).containsExactly(2L);
            assertThat(found(imap.command("UID SEARCH UID 2:* NOT UID 3"))).containsExactly(2L);
            // A flag change is seen by the next search at once: flags are read from the mailbox, not indexed.
            assertThat(imap.command("UID STORE 3 +FLAGS.SILENT (\\Flagged)")).last().asString().contains(" OK ");
            assertThat(found(imap.command("UID SEARCH FLAGGED"))).containsExactly(3L);
            assertThat(found(imap.command("UID SEARCH OR FLAGGED SUBJECT a"))).containsExactly(2L, 3L);
            assertThat(found(imap.command("UID SEARCH UNFLAGGED TEXT common"))).containsExactly(1L, 2L);
            assertThat(imap.command("UID STORE 3 -FLAGS.SILENT (\\Flagged)")).last().asString().contains(" OK ");
            assertThat(found(imap.command("UID SEARCH FLAGGED"))).isEmpty();
        }
    }

    @Test
    void pythonImaplibFindsTheSame() throws Exception {
        Path script = tmp.resolve("search.py");
        Path ca = tmp.resolve("root.pem");
        X509Certificate[] chain = new TlsKeyStore(server.data().resolve("keys")).chain();
        Files.writeString(ca, "-----BEGIN CERTIFICATE-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(chain[chain.length - 1].getEncoded())
            + "\n-----END CERTIFICATE-----\n");
        Files.writeString(script, String.join("\n",
            "import imaplib, ssl, sys",
            "ctx = ssl.create_default_context(cafile=sys.argv[2])",
            "ctx.check_hostname = False",
            "c = imaplib.IMAP4_SSL('127.0.0.1', int(sys.argv[1]), ssl_context=ctx)",
            "c.login(sys.argv[3], sys.argv[4])",
            "c.select('INBOX')",
            "for key, value in [('SUBJECT', '汇算清缴'), ('BODY', '退税'), ('FROM', '税务局'), ('TEXT', 'sdfghjk'), ('TO', 'Wang Wu')]:",
            "    c.literal = value.encode('utf-8')",
            "    typ, data = c.uid('SEARCH', 'CHARSET', 'UTF-8', key)",
            "    print(key, typ, data[0].decode())",
            "typ, data = c.uid('SEARCH', 'SENTON', '1-Dec-2026')",
            "print('SENTON', typ, data[0].decode())",
            "c.logout()", ""));
        Process p = new ProcessBuilder("python3", script.toString(), String.valueOf(server.port("imaps")), ca.toString(), CITIZEN, PASSWORD)
            .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out.lines().toList()).containsExactly(
            "SUBJECT OK " + joined(names("tax-notice", "raw-gb18030")),
            "BODY OK " + joined(names("tax-notice", "raw-utf8")),
            "FROM OK " + joined(names("tax-notice", "raw-utf8")),
            "TEXT OK " + joined(names("welcome")),
            "TO OK " + joined(names("group")),
            "SENTON OK " + joined(names("tax-notice")));
    }

    @Test
    void rawEightBitHeadersComeBackReadableInEnvelopeAndHeaderFetches() throws Exception {
        try (Imap imap = Imap.login(tls, server.port("imaps"), CITIZEN, PASSWORD)) {
            imap.command("EXAMINE INBOX");
            assertReadable(imap, "raw-utf8", "杭州市税务局", "退税申请确认");
            assertReadable(imap, "raw-gb18030", "税务服务中心", "汇算清缴提醒");
        }
    }

    @Test
    void rawEightBitHeadersStoredByImapAppendComeBackReadableInEnvelope() throws Exception {
        // A client that files mail itself (IMAP APPEND, no SMTP hook on the way) with raw UTF-8 or GB18030 headers:
        // ENVELOPE must read them as RFC 6532 says (UTF-8, else GB18030), not as Latin-1 or question marks.
        try (Imap imap = Imap.login(tls, server.port("imaps"), CITIZEN, PASSWORD)) {
            imap.command("CREATE Imported");
            imap.append("Imported", mime("appended-utf8", "杭州市税务局 <service@hz-tax-refund.example.net>", CITIZEN, "退税申请确认",
                "Mon, 30 Nov 2026 10:00:00 +0800", "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n",
                "请点击链接领取退税。").getBytes(StandardCharsets.UTF_8));
            imap.append("Imported", mime("appended-gb18030", "税务服务中心 <notice@tax-service.example.net>", CITIZEN, "汇算清缴提醒",
                "Mon, 30 Nov 2026 11:00:00 +0800", "Content-Type: text/plain; charset=GB2312\r\nContent-Transfer-Encoding: 8bit\r\n",
                "尚未完成年度汇算的纳税人请尽快办理。").getBytes(GB18030));
            imap.command("EXAMINE Imported");
            for (String[] expected : new String[][] {{"1", "杭州市税务局", "退税申请确认"}, {"2", "税务服务中心", "汇算清缴提醒"}}) {
                String all = String.join("\n", imap.command("FETCH " + expected[0] + " (ENVELOPE)"));
                Matcher envelope = Pattern.compile("ENVELOPE \\(\"[^\"]*\" \"([^\"]*)\" \\(\\(\"([^\"]*)\"").matcher(all);
                assertThat(envelope.find()).as(all).isTrue();
                assertThat(MimeUtility.decodeText(envelope.group(1))).as(all).isEqualTo(expected[2]);
                assertThat(MimeUtility.decodeText(envelope.group(2))).as(all).isEqualTo(expected[1]);
            }
        }
    }

    @Test
    void aRawUtf8DisplayNameThatIsAnAgencysNameIsFlagged() throws Exception {
        // Attack: a look-alike sender whose raw UTF-8 display name is the tax bureau's registered name; read as "??????"
        // it would slip past the display-name check.
        try (Imap imap = Imap.login(tls, server.port("imaps"), CITIZEN, PASSWORD)) {
            imap.command("EXAMINE INBOX");
            String warning = String.join("\n", imap.command("UID FETCH " + uids.get("raw-utf8") + " (BODY.PEEK[HEADER.FIELDS (X-CIVICMAIL-WARNING)])"));
            assertThat(warning).contains("display-name-impersonation");
        }
    }

    private void assertReadable(Imap imap, String name, String displayName, String subject) throws Exception {
        List<String> answer = imap.command("UID FETCH " + uids.get(name) + " (ENVELOPE BODY.PEEK[HEADER.FIELDS (FROM SUBJECT)])");
        String all = String.join("\n", answer);
        assertThat(all).as("nothing turned into question marks").doesNotContain("??");
        Matcher envelope = Pattern.compile("ENVELOPE \\(\"[^\"]*\" \"([^\"]*)\" \\(\\(\"([^\"]*)\"").matcher(all);
        assertThat(envelope.find()).as(all).isTrue();
        assertThat(MimeUtility.decodeText(envelope.group(1))).isEqualTo(subject);
        assertThat(MimeUtility.decodeText(envelope.group(2))).isEqualTo(displayName);
        String headers = MimeUtility.unfold(all.substring(all.indexOf("}") + 1).replace("\n", "\r\n"));
        assertThat(MimeUtility.decodeText(headers)).contains("From: " + displayName + " <").contains("Subject: " + subject);
    }

    private static String joined(TreeSet<Long> uids) {
        return String.join(" ", uids.stream().map(String::valueOf).toList());
    }

    private TreeSet<Long> names(String... names) {
        TreeSet<Long> set = new TreeSet<>();
        for (String n : names) {
            set.add(uids.get(n));
        }
        return set;
    }

    /** UID SEARCH CHARSET UTF-8 key {literal}. */
    private TreeSet<Long> search(String key, String value) throws Exception {
        try (Imap imap = Imap.login(tls, server.port("imaps"), CITIZEN, PASSWORD)) {
            imap.command("EXAMINE INBOX");
            return found(imap.commandWithLiteral("UID SEARCH CHARSET UTF-8 " + key + " ", value.getBytes(StandardCharsets.UTF_8)));
        }
    }

    private TreeSet<Long> searchKeys(String keys) throws Exception {
        try (Imap imap = Imap.login(tls, server.port("imaps"), CITIZEN, PASSWORD)) {
            imap.command("EXAMINE INBOX");
            return found(imap.command("UID SEARCH " + keys));
        }
    }

    private static TreeSet<Long> found(List<String> answer) {
        assertThat(answer.get(answer.size() - 1)).as(answer.toString()).contains(" OK ");
        TreeSet<Long> result = new TreeSet<>();
        for (String line : answer) {
            if (line.startsWith("* SEARCH")) {
                for (String n : line.substring("* SEARCH".length()).trim().split(" ")) {
                    if (!n.isEmpty()) {
                        result.add(Long.parseLong(n));
                    }
                }
            }
        }
        return result;
    }

    private static Map<String, Long> messageIds(Imap imap) throws IOException {
        Map<String, Long> found = new HashMap<>();
        Pattern uid = Pattern.compile("UID (\\d+)");
        Pattern id = Pattern.compile("<([a-z0-9-]+)@search\\.test>");
        List<String> lines = imap.command("FETCH 1:* (UID BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])");
        Long current = null;
        for (String line : lines) {
            Matcher u = uid.matcher(line);
            if (line.startsWith("* ") && u.find()) {
                current = Long.parseLong(u.group(1));
            }
            Matcher m = id.matcher(line);
            if (current != null && m.find()) {
                found.put(m.group(1), current);
            }
        }
        return found;
    }

    private static String mime(String id, String from, String to, String subject, String date, String contentHeaders, String body) {
        return "Message-ID: <" + id + "@search.test>\r\nDate: " + date + "\r\nFrom: " + from + "\r\nTo: " + to
            + "\r\nSubject: " + subject + "\r\nMIME-Version: 1.0\r\n" + contentHeaders + "\r\n" + body + "\r\n";
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    /** Inbound SMTP with the message's exact bytes. */
    private void smtp(byte[] message) throws IOException {
        try (Socket s = new Socket("127.0.0.1", server.port("smtp"))) {
            s.setSoTimeout(30_000);
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            expect(in, "220");
            for (String line : List.of("EHLO outside.example", "MAIL FROM:<sender@outside.example>", "RCPT TO:<" + CITIZEN + ">", "DATA")) {
                out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                expect(in, line.equals("DATA") ? "354" : "250");
            }
            out.write(message);
            out.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            expect(in, "250");
            out.write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }
    }

    private static void expect(InputStream in, String code) throws IOException {
        String reply;
        do {
            reply = line(in);
        } while (reply.length() > 3 && reply.charAt(3) == '-');
        assertThat(reply).startsWith(code);
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            if (c != '\r') {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.UTF_8);
    }

    /** A raw IMAP client that can send a literal (for CHARSET UTF-8 search strings) and keeps raw response bytes. */
    static final class Imap implements AutoCloseable {
        private final SSLSocket socket;
        private final InputStream in;
        private final OutputStream out;
        private int tag;

        private Imap(SSLSocketFactory tls, int port) throws IOException {
            socket = (SSLSocket) tls.createSocket("127.0.0.1", port);
            socket.setSoTimeout(30_000);
            socket.setTcpNoDelay(true); // a literal is a second small write: Nagle would hold it up to 40 ms
            in = socket.getInputStream();
            out = socket.getOutputStream();
            line(in);
        }

        static Imap login(SSLSocketFactory tls, int port, String user, String password) throws IOException {
            Imap imap = new Imap(tls, port);
            List<String> answer = imap.command("LOGIN \"" + user + "\" \"" + password + "\"");
            assertThat(answer.get(answer.size() - 1)).contains(" OK ");
            return imap;
        }

        List<String> command(String command) throws IOException {
            String t = "t" + (++tag);
            out.write((t + " " + command + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            return untilTagged(t);
        }

        List<String> commandWithLiteral(String prefix, byte[] literal) throws IOException {
            String t = "t" + (++tag);
            out.write((t + " " + prefix + "{" + literal.length + "}\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            String go = line(in);
            assertThat(go).startsWith("+");
            out.write(literal);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return untilTagged(t);
        }

        void append(byte[] message) throws IOException {
            append("INBOX", message);
        }

        void append(String folder, byte[] message) throws IOException {
            String t = "t" + (++tag);
            out.write((t + " APPEND " + folder + " {" + message.length + "}\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(line(in)).startsWith("+");
            out.write(message);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            List<String> answer = untilTagged(t);
            assertThat(answer.get(answer.size() - 1)).contains(" OK ");
        }

        private List<String> untilTagged(String t) throws IOException {
            List<String> lines = new ArrayList<>();
            String l;
            do {
                l = line(in);
                lines.add(l);
            } while (!l.startsWith(t + " "));
            return lines;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}

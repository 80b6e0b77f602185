package org.civicmail.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.SSLSocketFactory;

import org.civicmail.testkit.CivicMailExtension;
import org.civicmail.testkit.ForkedServer.CliResult;
import org.civicmail.testkit.ImapDialog;
import org.civicmail.testkit.MailClient;
import org.civicmail.testkit.TestIds;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18 point 2 on the wire: the real server over imaps, a raw IMAP client, and the exact responses RFC 3501,
 * RFC 4315 (UIDPLUS), RFC 6851 (MOVE) and RFC 7162 (CONDSTORE/QRESYNC) prescribe. Each test works in its own folder.
 * Expected part contents were checked against Dovecot 2.3 (see README, "IMAP protocol conformance").
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ImapProtocolIT {
    static final String USER = "li.ming@citizen.hangzhou.example";
    static final String PASSWORD = "imap protocol 18";

    @RegisterExtension
    static final CivicMailExtension server = new CivicMailExtension();
    @TempDir
    static Path tmp;
    SSLSocketFactory tls;

    @BeforeAll
    void startServer() throws Exception {
        tls = MailClient.trusting(server.data());
        CliResult r = server.cli(PASSWORD + "\n", "account", "add", "--class", "citizen", "--address", USER,
            "--name", "李明", "--id-number", TestIds.residentId("33010219851111123"), "--password-stdin");
        assertThat(r.exitCode()).as(r.err()).isZero();
    }

    ImapDialog login() throws Exception {
        return ImapDialog.login(tls, server.port("imaps"), USER, PASSWORD);
    }

    static byte[] crlf(String text) {
        return text.replace("\r\n", "\n").replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8);
    }

    static byte[] plain(String subject) {
        return crlf("From: clerk@city.hangzhou.example\nTo: " + USER + "\nSubject: " + subject + "\n\nbody of " + subject + "\n");
    }

    /** A folder holding three messages whose first two are expunged: message 1 is UID 3. */
    static long folderWhereMessageOneIsUidThree(ImapDialog imap, String folder) throws Exception {
        assertThat(imap.tagged(imap.command("CREATE " + folder))).contains("OK");
        for (int i = 1; i <= 3; i++) {
            assertThat(imap.tagged(imap.append(folder, plain(folder + " " + i)))).contains("OK");
        }
        List<String> select = imap.command("SELECT " + folder);
        assertThat(imap.tagged(imap.command("STORE 1:2 +FLAGS.SILENT (\\Deleted)"))).contains("OK");
        assertThat(imap.command("EXPUNGE")).startsWith("* 1 EXPUNGE", "* 1 EXPUNGE").endsWith("a" + tagOf(imap) + " OK EXPUNGE completed.");
        assertThat(imap.command("FETCH 1 (UID)")).first().isEqualTo("* 1 FETCH (UID 3)");
        return uidValidity(select);
    }

    static long uidValidity(List<String> selectOrStatus) {
        for (String line : selectOrStatus) {
            Matcher m = Pattern.compile("UIDVALIDITY (\\d+)").matcher(line);
            if (m.find()) {
                return Long.parseLong(m.group(1));
            }
        }
        throw new AssertionError("no UIDVALIDITY in " + selectOrStatus);
    }

    /** The tag of the command last sent (ImapDialog numbers them a1, a2, ...). */
    static int tagOf(ImapDialog imap) {
        return imap.lastTag();
    }

    /** The answer to a command naming a mailbox that is not valid modified UTF-7 (Dovecot: "NO Mailbox name is not valid mUTF-7"). */
    static String refused(ImapDialog imap, String command) {
        return "a" + tagOf(imap) + " NO " + command + " failed. Mailbox name is not valid modified UTF-7 (RFC 3501 section 5.1.3).";
    }

    // --- a. COPYUID / APPENDUID (RFC 4315) and MOVE (RFC 6851) ---

    @Test
    void copyBySequenceNumberAnswersCopyUidWithTheSourceUids() throws Exception {
        try (ImapDialog imap = login()) {
            assertThat(imap.tagged(imap.command("CREATE copy-target"))).contains("OK");
            long target = uidValidity(imap.command("STATUS copy-target (UIDVALIDITY)"));
            folderWhereMessageOneIsUidThree(imap, "copy-source");
            // msn 1 is UID 3: COPYUID names the source message by its UID, never by its sequence number.
            assertThat(imap.tagged(imap.command("COPY 1 copy-target")))
                .isEqualTo("a" + tagOf(imap) + " OK [COPYUID " + target + " 3 1] COPY completed.");
        }
    }

    @Test
    void moveBySequenceNumberSendsCopyUidUntaggedBeforeTheExpunge() throws Exception {
        try (ImapDialog imap = login()) {
            assertThat(imap.tagged(imap.command("CREATE move-target"))).contains("OK");
            long target = uidValidity(imap.command("STATUS move-target (UIDVALIDITY)"));
            folderWhereMessageOneIsUidThree(imap, "move-source");
            List<String> answer = imap.command("MOVE 1 move-target");
            // RFC 6851 section 4.3: COPYUID in an untagged OK, before the EXPUNGE it causes.
            assertThat(answer).containsExactly(
                "* OK [COPYUID " + target + " 3 1] Moved UIDs.",
                "* 1 EXPUNGE",
                "a" + tagOf(imap) + " OK MOVE completed.");
        }
    }

    @Test
    void uidMoveOfSeveralRangesPairsSourceAndDestinationUidsInOrder() throws Exception {
        try (ImapDialog imap = login()) {
            assertThat(imap.tagged(imap.command("CREATE ranges-target"))).contains("OK");
            assertThat(imap.tagged(imap.append("ranges-target", plain("already there")))).contains("OK");
            long target = uidValidity(imap.command("STATUS ranges-target (UIDVALIDITY)"));
            assertThat(imap.tagged(imap.command("CREATE ranges-source"))).contains("OK");
            for (int i = 1; i <= 5; i++) {
                assertThat(imap.tagged(imap.append("ranges-source", plain("ranges " + i)))).contains("OK");
            }
            imap.command("SELECT ranges-source");
            // UIDs 2 and 4:5 exist, 9 does not: the source set lists what was moved, in the order of the new UIDs.
            List<String> answer = imap.command("UID MOVE 2,4:5,9 ranges-target");
            assertThat(answer).containsExactly(
                "* OK [COPYUID " + target + " 2,4:5 2:4] Moved UIDs.",
                "* 2 EXPUNGE",
                "* 3 EXPUNGE",
                "* 3 EXPUNGE",
                "a" + tagOf(imap) + " OK MOVE completed.");
            // Nothing to move: no COPYUID at all (there is no UID to report).
            assertThat(imap.command("UID MOVE 9 ranges-target")).containsExactly("a" + tagOf(imap) + " OK MOVE completed.");
        }
    }

    @Test
    void appendAnswersAppendUidWithTheNewMessagesUid() throws Exception {
        try (ImapDialog imap = login()) {
            assertThat(imap.tagged(imap.command("CREATE append-target"))).contains("OK");
            long validity = uidValidity(imap.command("STATUS append-target (UIDVALIDITY)"));
            assertThat(imap.tagged(imap.append("append-target", plain("first")))).contains("[APPENDUID " + validity + " 1]");
            assertThat(imap.tagged(imap.append("append-target", plain("second")))).contains("[APPENDUID " + validity + " 2]");
        }
    }

    // --- b. mailbox names that are not valid modified UTF-7 ---

    @Test
    void unusualAtomsAndInvalidModifiedUtf7AreRefusedAndTheConnectionStays() throws Exception {
        try (ImapDialog imap = login()) {
            // Attack: a name the mailbox-name decoder cannot decode, to knock the session off the server.
            String atoms = "!#$$&'+,-.0123456789:;<=>?@^_`|[}";
            assertThat(imap.tagged(imap.command("SELECT " + atoms))).isEqualTo(refused(imap, "SELECT"));
            assertThat(imap.tagged(imap.command("EXAMINE " + atoms))).isEqualTo(refused(imap, "EXAMINE"));
            assertThat(imap.tagged(imap.command("CREATE \"bad&Jjo\""))).isEqualTo(refused(imap, "CREATE"));
            assertThat(imap.tagged(imap.command("CREATE \"&'+,\""))).isEqualTo(refused(imap, "CREATE"));
            assertThat(imap.tagged(imap.command("STATUS \"&'+,\" (MESSAGES)"))).isEqualTo(refused(imap, "STATUS"));
            assertThat(imap.tagged(imap.command("DELETE \"&'+,\""))).isEqualTo(refused(imap, "DELETE"));
            assertThat(imap.tagged(imap.command("RENAME INBOX \"&'+,\""))).isEqualTo(refused(imap, "RENAME"));
            assertThat(imap.tagged(imap.command("SUBSCRIBE \"&'+,\""))).isEqualTo(refused(imap, "SUBSCRIBE"));
            assertThat(imap.tagged(imap.append("\"&'+,\"", plain("to nowhere")))).isEqualTo(refused(imap, "APPEND"));
            // A pattern that is not modified UTF-7 matches no mailbox: an empty LIST (Dovecot and imaptest's "atoms" agree).
            assertThat(imap.command("LIST \"\" " + atoms + "%*")).containsExactly("a" + tagOf(imap) + " OK LIST completed.");
            assertThat(imap.command("LSUB \"\" \"&'+,\"")).containsExactly("a" + tagOf(imap) + " OK LSUB completed.");
            // The session is still there and still works.
            assertThat(imap.command("NOOP")).containsExactly("a" + tagOf(imap) + " OK NOOP completed.");
            assertThat(imap.tagged(imap.command("SELECT INBOX"))).contains("OK");
            assertThat(imap.tagged(imap.append("INBOX", plain("to copy")))).contains("OK");
            assertThat(imap.tagged(imap.command("COPY 1 \"&'+,\""))).isEqualTo(refused(imap, "COPY"));
            assertThat(imap.tagged(imap.command("UID COPY 1:* \"&'+,\""))).isEqualTo(refused(imap, "UID"));
            assertThat(imap.tagged(imap.command("UID MOVE 1:* \"&'+,\""))).isEqualTo(refused(imap, "UID"));
            // UID commands still reach James's parsers.
            assertThat(imap.command("UID FETCH 1:* (FLAGS)")).last().asString().endsWith(" OK FETCH completed.");
            // A valid modified UTF-7 name still works (RFC 3501 5.1.3).
            assertThat(imap.tagged(imap.command("CREATE \"p&AOQA5A-\""))).contains("OK");
            assertThat(imap.command("LIST \"\" \"p&AOQA5A-\"")).first().isEqualTo("* LIST (\\HasNoChildren) \".\" \"p&AOQA5A-\"");
        }
    }

    // --- c. body part numbers of message/rfc822 parts (RFC 3501 section 6.4.5) ---

    static final String INNER = "From: resident@citizen.hangzhou.example\n"
        + "Date: Sun, 1 Nov 2026 08:00:00 +0800\n"
        + "Subject: inner\n"
        + "\n"
        + "Inner body line\n";

    static final String TOP_LEVEL_RFC822 = "From: clerk@city.hangzhou.example\n"
        + "Date: Mon, 2 Nov 2026 09:00:00 +0800\n"
        + "Subject: wrapper\n"
        + "MIME-Version: 1.0\n"
        + "Content-Type: message/rfc822\n"
        + "\n"
        + INNER;

    static final String FORWARDED_INNER_HEADER = "From: resident@citizen.hangzhou.example\n"
        + "Subject: original\n"
        + "MIME-Version: 1.0\n"
        + "Content-Type: multipart/alternative; boundary=\"inner\"\n"
        + "\n";
    static final String FORWARDED_INNER_BODY = "--inner\n"
        + "Content-Type: text/plain; charset=utf-8\n"
        + "\n"
        + "plain text 正文\n"
        + "--inner\n"
        + "Content-Type: text/html\n"
        + "\n"
        + "<p>html</p>\n"
        + "--inner--";

    static final String FORWARDED = "From: clerk@city.hangzhou.example\n"
        + "Subject: Fwd: original\n"
        + "MIME-Version: 1.0\n"
        + "Content-Type: multipart/mixed; boundary=\"outer\"\n"
        + "\n"
        + "--outer\n"
        + "Content-Type: text/plain\n"
        + "\n"
        + "See the forwarded mail.\n"
        + "--outer\n"
        + "Content-Type: message/rfc822\n"
        + "Content-Disposition: attachment\n"
        + "\n"
        + FORWARDED_INNER_HEADER
        + FORWARDED_INNER_BODY
        + "\n--outer--\n";

    static String section(ImapDialog imap, String section) throws Exception {
        String answer = imap.wire("FETCH 1 (BODY.PEEK[" + section + "])");
        Matcher m = Pattern.compile("\\A\\* 1 FETCH \\(BODY\\[" + Pattern.quote(section) + "\\] \\{(\\d+)\\}\r\n", Pattern.DOTALL)
            .matcher(answer);
        assertThat(m.find()).as(answer).isTrue();
        int length = Integer.parseInt(m.group(1));
        byte[] rest = answer.substring(m.end()).getBytes(StandardCharsets.UTF_8);
        String content = new String(rest, 0, length, StandardCharsets.UTF_8);
        assertThat(new String(rest, length, rest.length - length, StandardCharsets.UTF_8))
            .as(answer).matches("\\)\r\na\\d+ OK FETCH completed\\.\r\n");
        return content;
    }

    static String crlfText(String text) {
        return new String(crlf(text), StandardCharsets.UTF_8);
    }

    @Test
    void topLevelMessageRfc822NumbersTheEncapsulatedMessagesParts() throws Exception {
        try (ImapDialog imap = login()) {
            assertThat(imap.tagged(imap.command("CREATE rfc822-top"))).contains("OK");
            assertThat(imap.tagged(imap.append("rfc822-top", crlf(TOP_LEVEL_RFC822)))).contains("OK");
            imap.command("SELECT rfc822-top");
            // Part 1 of a non-multipart message is its body: here the whole encapsulated message.
            assertThat(section(imap, "1")).isEqualTo(crlfText(INNER));
            // 1.x are the parts of the encapsulated message; it is not multipart, so 1.1 is its body.
            assertThat(section(imap, "1.1")).isEqualTo(crlfText("Inner body line\n"));
            assertThat(section(imap, "1.HEADER")).isEqualTo(crlfText(INNER.substring(0, INNER.indexOf("\n\n") + 2)));
            assertThat(section(imap, "1.TEXT")).isEqualTo(crlfText("Inner body line\n"));
            assertThat(section(imap, "1.HEADER.FIELDS (SUBJECT)")).isEqualTo(crlfText("Subject: inner\n\n"));
            assertThat(section(imap, "TEXT")).isEqualTo(crlfText(INNER));
            // The MIME header of part 1 of a non-multipart message is the message's header (James failed the FETCH).
            assertThat(section(imap, "1.MIME")).isEqualTo(crlfText(TOP_LEVEL_RFC822.substring(0, TOP_LEVEL_RFC822.indexOf("\n\n") + 2)));
            // Parts that do not exist are empty, as in Dovecot.
            assertThat(section(imap, "1.2")).isEmpty();
            assertThat(section(imap, "1.1.1")).isEmpty();
            // Partial fetches cut the corrected content.
            assertThat(imap.wire("FETCH 1 (BODY.PEEK[1]<0.10> BODY.PEEK[1.1]<6.100>)")).isEqualTo(
                "* 1 FETCH (BODY[1]<0> {10}\r\nFrom: resi BODY[1.1]<6> {11}\r\nbody line\r\n)\r\n"
                    + "a" + tagOf(imap) + " OK FETCH completed.\r\n");
            // Without PEEK the message becomes \Seen, as for any BODY[] fetch.
            assertThat(imap.command("FETCH 1 (FLAGS)")).first().asString().doesNotContain("\\Seen");
            imap.wire("FETCH 1 (BODY[1.1])");
            assertThat(imap.command("FETCH 1 (FLAGS)")).first().asString().contains("\\Seen");
        }
    }

    @Test
    void forwardedAsAttachmentMailNumbersTheAttachedMessagesParts() throws Exception {
        try (ImapDialog imap = login()) {
            assertThat(imap.tagged(imap.command("CREATE rfc822-forwarded"))).contains("OK");
            assertThat(imap.tagged(imap.append("rfc822-forwarded", crlf(FORWARDED)))).contains("OK");
            imap.command("SELECT rfc822-forwarded");
            assertThat(section(imap, "1")).isEqualTo("See the forwarded mail.");
            // RFC 2046 5.1.1: the line break before "--outer--" belongs to that delimiter, so part 2 ends with "--inner--".
            // Dovecot 2.3 counts that line break into part 2 as well (262 bytes, not 260); James and we follow RFC 2046.
            // RFC 2046 5.1.1: the line break before "--outer--" belongs to that delimiter, so part 2 ends with "--inner--".
            // Dovecot 2.3 counts that line break into part 2 as well (262 bytes, not 260); James and we follow RFC 2046.
            assertThat(section(imap, "2")).isEqualTo(crlfText(FORWARDED_INNER_HEADER + FORWARDED_INNER_BODY));
            assertThat(section(imap, "2.MIME")).isEqualTo(crlfText("Content-Type: message/rfc822\nContent-Disposition: attachment\n\n"));
            assertThat(section(imap, "2.HEADER")).isEqualTo(crlfText(FORWARDED_INNER_HEADER));
            assertThat(section(imap, "2.TEXT")).isEqualTo(crlfText(FORWARDED_INNER_BODY));
            assertThat(section(imap, "2.1")).isEqualTo("plain text 正文");
            assertThat(section(imap, "2.1.MIME")).isEqualTo(crlfText("Content-Type: text/plain; charset=utf-8\n\n"));
            assertThat(section(imap, "2.2")).isEqualTo("<p>html</p>");
            // Part 1 is text: it has no HEADER of an encapsulated message (James answered with part 2's).
            assertThat(section(imap, "1.HEADER")).isEmpty();
            assertThat(section(imap, "3")).isEmpty();
        }
    }

    // --- d. CONDSTORE and QRESYNC (RFC 7162) ---

    static long number(List<String> answer, String pattern) {
        Pattern p = Pattern.compile(pattern);
        for (String line : answer) {
            Matcher m = p.matcher(line);
            if (m.find()) {
                return Long.parseLong(m.group(1));
            }
        }
        throw new AssertionError("no " + pattern + " in " + answer);
    }

    /**
     * RFC 4731 section 3.2 (RFC 7162 section 3.1.5): with RETURN (MIN), (MAX) or (MIN MAX) and no ALL or COUNT, the
     * MODSEQ of the ESEARCH answer is the highest of the messages returned, not of every message found (James 3.8.1
     * sent the latter; imaptest's esearch-condstore). Messages are changed in the order 1, 3, 2 so the highest of all
     * (message 2's) differs from MIN's and MAX's.
     */
    @Test
    void esearchMinMaxCarryTheModSeqOfTheMessagesTheyName() throws Exception {
        try (ImapDialog imap = login()) {
            assertThat(imap.tagged(imap.command("CREATE esearch-modseq"))).contains("OK");
            for (int i = 1; i <= 4; i++) {
                assertThat(imap.tagged(imap.append("esearch-modseq", plain("esearch " + i)))).contains("OK");
            }
            imap.command("SELECT esearch-modseq (CONDSTORE)");
            long[] modseq = new long[5];
            for (int msn : new int[] {1, 3, 2, 4}) {
                modseq[msn] = number(imap.command("STORE " + msn + " +FLAGS (\\Seen)"), "MODSEQ \\((\\d+)\\)");
            }
            String tag = "a" + (tagOf(imap) + 1);
            assertThat(imap.command("SEARCH RETURN (MIN) 1:3 MODSEQ \"/flags/\\\\seen\" all 1"))
                .first().isEqualTo("* ESEARCH (TAG \"" + tag + "\") MIN 1 MODSEQ " + modseq[1]);
            tag = "a" + (tagOf(imap) + 1);
            assertThat(imap.command("SEARCH RETURN (MAX) 1:3 MODSEQ 1"))
                .first().isEqualTo("* ESEARCH (TAG \"" + tag + "\") MAX 3 MODSEQ " + modseq[3]);
            tag = "a" + (tagOf(imap) + 1);
            assertThat(imap.command("UID SEARCH RETURN (MIN MAX) 2:3 MODSEQ 1"))
                .first().isEqualTo("* ESEARCH (TAG \"" + tag + "\") UID MIN 2 MAX 3 MODSEQ " + Math.max(modseq[2], modseq[3]));
            // With ALL (or no option) it stays the highest of all found.
            tag = "a" + (tagOf(imap) + 1);
            assertThat(imap.command("SEARCH RETURN () 1:3 MODSEQ 1"))
                .first().isEqualTo("* ESEARCH (TAG \"" + tag + "\") ALL 1:3 MODSEQ " + modseq[2]);
        }
    }

    /**
     * James 3.8.1 reads one LIST pattern only ({@code LIST "" (a b)} is BAD) and lacks RFC 5258's selection
     * semantics, so LIST-EXTENDED and the extensions built on its syntax are not advertised (imaptest's listext runs
     * only when LIST-EXTENDED is).
     */
    @Test
    void listExtendedIsNotAdvertised() throws Exception {
        try (ImapDialog imap = login()) {
            String capabilities = imap.command("CAPABILITY").get(0);
            assertThat(capabilities).startsWith("* CAPABILITY ").contains(" IMAP4REV1").contains(" SPECIAL-USE");
            assertThat(capabilities).doesNotContain("LIST-EXTENDED").doesNotContain("LIST-STATUS").doesNotContain("LIST-MYRIGHTS");
        }
    }

    @Test
    void condstoreIsAdvertisedWithQresyncAndWorks() throws Exception {
        try (ImapDialog imap = login(); ImapDialog other = login()) {
            // RFC 7162 section 3.2: a server that announces QRESYNC must announce CONDSTORE too.
            assertThat(imap.command("CAPABILITY").get(0)).contains(" CONDSTORE").contains(" QRESYNC");
            assertThat(imap.tagged(imap.command("CREATE condstore"))).contains("OK");
            for (int i = 1; i <= 3; i++) {
                assertThat(imap.tagged(imap.append("condstore", plain("condstore " + i)))).contains("OK");
            }
            assertThat(imap.command("ENABLE CONDSTORE")).containsExactly("* ENABLED CONDSTORE", "a" + tagOf(imap) + " OK ENABLE completed.");
            List<String> select = imap.command("SELECT condstore (CONDSTORE)");
            long validity = uidValidity(select);
            assertThat(select).anyMatch(line -> line.matches("\\* OK \\[HIGHESTMODSEQ \\d+\\] Highest"));
            assertThat(imap.command("FETCH 1:* (UID MODSEQ)")).allMatch(line -> line.matches("\\* \\d FETCH \\(MODSEQ \\(\\d+\\) UID \\d\\)")
                || line.endsWith(" OK FETCH completed."));
            long before = number(imap.command("FETCH 1:* (MODSEQ)"), "MODSEQ \\((\\d+)\\)");

            // A flag change gets a new, higher mod-sequence, reported with it.
            List<String> store = imap.command("STORE 2 +FLAGS (\\Seen)");
            long seen = number(store, "\\* 2 FETCH \\(MODSEQ \\((\\d+)\\) FLAGS \\(\\\\Recent \\\\Seen\\)\\)");
            assertThat(seen).isGreaterThan(before);
            // CHANGEDSINCE: only what changed after that mod-sequence (how Thunderbird syncs flags).
            assertThat(imap.command("FETCH 1:* (FLAGS) (CHANGEDSINCE " + (seen - 1) + ")")).containsExactly(
                "* 2 FETCH (MODSEQ (" + seen + ") FLAGS (\\Recent \\Seen))", "a" + tagOf(imap) + " OK FETCH completed.");
            // UNCHANGEDSINCE older than the message: refused with MODIFIED naming it (James wrote "[MODIFIED 0 2]").
            assertThat(imap.command("STORE 2 (UNCHANGEDSINCE " + (seen - 1) + ") +FLAGS (\\Flagged)"))
                .containsExactly("a" + tagOf(imap) + " OK [MODIFIED 2] STORE failed.");
            List<String> flagged = imap.command("STORE 2 (UNCHANGEDSINCE " + seen + ") +FLAGS (\\Flagged)");
            assertThat(number(flagged, "\\* 2 FETCH \\(MODSEQ \\((\\d+)\\)")).isGreaterThan(seen);
            assertThat(imap.tagged(flagged)).isEqualTo("a" + tagOf(imap) + " OK STORE completed.");
            long highest = number(imap.command("STATUS condstore (HIGHESTMODSEQ)"), "HIGHESTMODSEQ (\\d+)");

            // QRESYNC: another client expunges message 1 (UID 1); the resync names it VANISHED.
            assertThat(other.command("ENABLE QRESYNC")).containsExactly("* ENABLED QRESYNC", "a" + tagOf(other) + " OK ENABLE completed.");
            other.command("SELECT condstore");
            assertThat(other.tagged(other.command("STORE 3 +FLAGS.SILENT (\\Answered)"))).contains("OK");
            assertThat(other.tagged(other.command("STORE 1 +FLAGS.SILENT (\\Deleted)"))).contains("OK");
            assertThat(other.tagged(other.command("EXPUNGE"))).contains("OK");
            other.command("CLOSE");
            List<String> resync = other.command("SELECT condstore (QRESYNC (" + validity + " " + highest + "))");
            assertThat(resync).contains("* VANISHED (EARLIER) 1");
            // ...and sends the flags that changed since then, with UID and MODSEQ (James sent only the VANISHED half).
            assertThat(resync).anyMatch(line -> line.matches("\\* 2 FETCH \\(MODSEQ \\(\\d+\\) FLAGS \\(\\\\Answered\\) UID 3\\)"));
            assertThat(resync).noneMatch(line -> line.contains("UID 2)"));
            assertThat(other.tagged(resync)).isEqualTo("a" + tagOf(other) + " OK [READ-WRITE] SELECT completed.");
            // Attack: a known-UID range of four billion UIDs, to make the server test each one; answered at once.
            other.command("CLOSE");
            List<String> huge = other.command("SELECT condstore (QRESYNC (" + validity + " " + highest + " 1:4000000000))");
            assertThat(huge).contains("* VANISHED (EARLIER) 1");
            assertThat(other.tagged(huge)).isEqualTo("a" + tagOf(other) + " OK [READ-WRITE] SELECT completed.");
        }
    }

    // --- the same answers through an independent client: Python's imaplib ---

    static final String IMAPLIB = String.join("\n",
        "import imaplib, ssl, sys",
        "port, user, password, ca = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]",
        "context = ssl.create_default_context(cafile=ca)",
        "context.check_hostname = False  # the certificate names the city's host, the test connects to 127.0.0.1",
        "imap = imaplib.IMAP4_SSL('127.0.0.1', int(port), ssl_context=context)",
        "imap.login(user, password)",
        "imap.select('py-rfc822')",
        "typ, data = imap.fetch('1', '(BODY.PEEK[1.1] BODY.PEEK[1.HEADER.FIELDS (SUBJECT)])')",
        "print('FETCH', typ, repr(data))",
        "imap.create('py-target')",
        "typ, data = imap.uid('MOVE', '1', 'py-target')",
        "print('MOVE', typ, repr(data), repr(imap.untagged_responses.get('OK')), repr(imap.untagged_responses.get('EXPUNGE')))",
        "typ, data = imap.select('!#$$&\\'+,-.0123456789:;<=>?@^_`|[}')",
        "print('SELECT', typ, repr(data))",
        "print('NOOP', imap.noop()[0])",
        "imap.logout()");

    @Test
    void pythonImaplibGetsTheSameAnswers() throws Exception {
        try (ImapDialog imap = login()) {
            assertThat(imap.tagged(imap.command("CREATE py-rfc822"))).contains("OK");
            assertThat(imap.tagged(imap.append("py-rfc822", crlf(TOP_LEVEL_RFC822)))).contains("OK");
        }
        java.security.cert.X509Certificate[] chain = new org.civicmail.tls.TlsKeyStore(server.data().resolve("keys")).chain();
        Path ca = tmp.resolve("imaplib-ca.pem");
        java.nio.file.Files.writeString(ca, "-----BEGIN CERTIFICATE-----\n"
            + java.util.Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(chain[chain.length - 1].getEncoded())
            + "\n-----END CERTIFICATE-----\n");
        Path script = java.nio.file.Files.writeString(tmp.resolve("imaplib-check.py"), IMAPLIB);
        Process python = new ProcessBuilder("python3", script.toString(), String.valueOf(server.port("imaps")), USER, PASSWORD, ca.toString())
            .redirectErrorStream(true).start();
        String out = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(python.waitFor()).as(out).isZero();
        assertThat(out).contains("FETCH OK [(b'1 (BODY[1.1] {17}', b'Inner body line\\r\\n'), "
            + "(b' BODY[1.HEADER.FIELDS (SUBJECT)] {18}', b'Subject: inner\\r\\n\\r\\n'), b')']");
        // imaplib keeps the untagged OK's text: COPYUID with UID 1 of py-rfc822 moved to UID 1 of py-target.
        assertThat(out).containsPattern("MOVE OK .*b'\\[COPYUID \\d+ 1 1\\] Moved UIDs.'.*\\] \\[b'1'\\]");
        assertThat(out).contains("SELECT NO [b'SELECT failed. Mailbox name is not valid modified UTF-7 (RFC 3501 section 5.1.3).']");
        assertThat(out).contains("NOOP OK");
    }

    // --- e. ENVELOPE ---

    @Test
    void envelopeTakesTheNameFromACommentWhenThereIsNoDisplayName() throws Exception {
        try (ImapDialog imap = login()) {
            assertThat(imap.tagged(imap.command("CREATE envelope"))).contains("OK");
            assertThat(imap.tagged(imap.append("envelope", crlf("Date: Mon, 2 Nov 2026 09:00:00 +0800\n"
                + "From: resident@citizen.hangzhou.example (Real Name)\n"
                + "To: Display Name <clerk@city.hangzhou.example> (a comment), plain@x.example,\n"
                + " \"Li, Ming (not a comment)\" <li@x.example>, (before) lead@x.example\n"
                + "Cc: group: g1@d1.example (G One), g2@d2.example;\n"
                + "Subject: comments\n\nbody\n")))).contains("OK");
            imap.command("SELECT envelope");
            // The same answer as Dovecot 2.3 gives for this header.
            assertThat(imap.command("FETCH 1 (ENVELOPE)")).first().isEqualTo("* 1 FETCH (ENVELOPE (\"Mon, 2 Nov 2026 09:00:00 +0800\" "
                + "\"comments\" ((\"Real Name\" NIL \"resident\" \"citizen.hangzhou.example\")) "
                + "((\"Real Name\" NIL \"resident\" \"citizen.hangzhou.example\")) "
                + "((\"Real Name\" NIL \"resident\" \"citizen.hangzhou.example\")) "
                + "((\"Display Name\" NIL \"clerk\" \"city.hangzhou.example\")(NIL NIL \"plain\" \"x.example\")"
                + "(\"Li, Ming (not a comment)\" NIL \"li\" \"x.example\")(NIL NIL \"lead\" \"x.example\")) "
                + "((NIL NIL \"group\" NIL)(\"G One\" NIL \"g1\" \"d1.example\")(NIL NIL \"g2\" \"d2.example\")(NIL NIL NIL NIL)) "
                + "NIL NIL NIL))");
            // Part 1 of a non-multipart message: its MIME header is the message header.
            assertThat(section(imap, "1.MIME")).startsWith("Date: Mon, 2 Nov 2026").endsWith("Subject: comments\r\n\r\n");
        }
    }

    // --- f. the selected folder's view while other sessions write (imaptest stress: "seq too high", BAD messageset) ---

    /**
     * Plays the client's side of RFC 3501 section 7.4.1 and 7.3.1 over {@code lines}: starting from {@code exists}
     * messages, every FETCH or EXPUNGE must name a sequence number the client was told exists; returns the count left.
     */
    static long replayView(long exists, List<String> lines) {
        long known = exists;
        for (String line : lines) {
            Matcher m = Pattern.compile("^\\* (\\d+) (EXISTS|EXPUNGE|FETCH)").matcher(line);
            if (!m.find()) {
                continue;
            }
            long n = Long.parseLong(m.group(1));
            switch (m.group(2)) {
                case "EXISTS" -> known = n;
                case "EXPUNGE" -> {
                    assertThat(n).as("EXPUNGE of a sequence number never announced: %s in %s", line, lines).isLessThanOrEqualTo(known);
                    known--;
                }
                default -> assertThat(n).as("FETCH of a sequence number never announced: %s in %s", line, lines).isLessThanOrEqualTo(known);
            }
        }
        return known;
    }

    static long exists(List<String> select) {
        return number(select, "^\\* (\\d+) EXISTS");
    }

    @Test
    void aMessageAnotherSessionAppendsIsAnnouncedBeforeItIsNamed() throws Exception {
        try (ImapDialog reader = login(); ImapDialog writer = login()) {
            assertThat(reader.tagged(reader.command("CREATE view-append"))).contains("OK");
            for (int i = 1; i <= 2; i++) {
                assertThat(reader.tagged(reader.append("view-append", plain("view " + i)))).contains("OK");
            }
            long known = exists(reader.command("SELECT view-append"));
            assertThat(known).isEqualTo(2);
            // Another client appends message 3 while this one has the folder selected.
            assertThat(writer.tagged(writer.append("view-append", plain("view 3")))).contains("OK");
            // James 3.8.1 answered "* 3 FETCH" before "* 3 EXISTS": imaptest's "seq too high".
            List<String> fetch = reader.command("FETCH 1:* (FLAGS)");
            assertThat(reader.tagged(fetch)).endsWith("OK FETCH completed.");
            known = replayView(known, fetch);
            assertThat(known).isEqualTo(3);
            assertThat(reader.command("FETCH 1:* (UID)")).containsExactly("* 1 FETCH (UID 1)", "* 2 FETCH (UID 2)",
                "* 3 FETCH (UID 3)", "a" + tagOf(reader) + " OK FETCH completed.");
        }
    }

    @Test
    void messagesAddedAndExpungedElsewhereKeepTheSequenceNumbersTheClientKnows() throws Exception {
        try (ImapDialog reader = login(); ImapDialog writer = login()) {
            assertThat(reader.tagged(reader.command("CREATE view-churn"))).contains("OK");
            for (int i = 1; i <= 4; i++) {
                assertThat(reader.tagged(reader.append("view-churn", plain("churn " + i)))).contains("OK");
            }
            long known = exists(reader.command("SELECT view-churn"));
            writer.command("SELECT view-churn");
            // Elsewhere: message 2 expunged, two appended, the first of them expunged again, flags changed on the last.
            assertThat(writer.tagged(writer.command("STORE 2 +FLAGS.SILENT (\\Deleted)"))).contains("OK");
            assertThat(writer.tagged(writer.command("EXPUNGE"))).contains("OK");
            assertThat(writer.tagged(writer.append("view-churn", plain("churn 5")))).contains("OK");
            assertThat(writer.tagged(writer.append("view-churn", plain("churn 6")))).contains("OK");
            assertThat(writer.tagged(writer.command("UID STORE 5 +FLAGS.SILENT (\\Deleted)"))).contains("OK");
            assertThat(writer.tagged(writer.command("UID EXPUNGE 5"))).contains("OK");
            assertThat(writer.tagged(writer.command("UID STORE 6 +FLAGS.SILENT ($Label1)"))).contains("OK");
            // A non-UID FETCH may not be told of expunges (RFC 3501 7.4.1): message 4 is still message 4 for it...
            List<String> fetch = reader.command("FETCH 4 (UID)");
            assertThat(fetch).contains("* 4 FETCH (UID 4)");
            known = replayView(known, fetch);
            // ...and a sequence set naming message 2, expunged meanwhile, is no BAD (RFC 3501 servers answer OK or NO).
            List<String> expunged = reader.command("FETCH 1:2 (UID)");
            assertThat(reader.tagged(expunged)).doesNotContain("BAD");
            known = replayView(known, expunged);
            // NOOP reports it all, every sequence number one the client knows.
            List<String> noop = reader.command("NOOP");
            known = replayView(known, noop);
            assertThat(known).isEqualTo(4);
            assertThat(reader.command("FETCH 1:* (UID)")).containsExactly("* 1 FETCH (UID 1)", "* 2 FETCH (UID 3)",
                "* 3 FETCH (UID 4)", "* 4 FETCH (UID 6)", "a" + tagOf(reader) + " OK FETCH completed.");
        }
    }

    @Test
    void idleReportsAnotherSessionsChangesInOrder() throws Exception {
        try (ImapDialog reader = login(); ImapDialog writer = login()) {
            assertThat(reader.tagged(reader.command("CREATE view-idle"))).contains("OK");
            assertThat(reader.tagged(reader.append("view-idle", plain("idle 1")))).contains("OK");
            long known = exists(reader.command("SELECT view-idle"));
            reader.idle();
            assertThat(writer.tagged(writer.append("view-idle", plain("idle 2")))).contains("OK");
            reader.awaitLine(line -> line.equals("* 2 EXISTS"), java.time.Duration.ofSeconds(20));
            writer.command("SELECT view-idle");
            assertThat(writer.tagged(writer.command("STORE 1 +FLAGS.SILENT (\\Deleted)"))).contains("OK");
            assertThat(writer.tagged(writer.command("EXPUNGE"))).contains("OK");
            reader.awaitLine(line -> line.equals("* 1 EXPUNGE"), java.time.Duration.ofSeconds(20));
            List<String> idle = new java.util.ArrayList<>(reader.done());
            idle.addAll(0, reader.pushed());
            assertThat(replayView(known, idle)).isEqualTo(1);
        }
    }

    /** Every keyword a FETCH carries must be in the last FLAGS sent before it (RFC 3501 7.2.6; imaptest checks it). */
    static void assertKeywordsAnnounced(List<String> selectAndLater) {
        java.util.Set<String> announced = java.util.Set.of();
        for (String line : selectAndLater) {
            Matcher flags = Pattern.compile("^\\* FLAGS \\(([^)]*)\\)").matcher(line);
            if (flags.find()) {
                announced = java.util.Set.of(flags.group(1).split(" "));
                continue;
            }
            Matcher fetch = Pattern.compile("^\\* \\d+ FETCH .*FLAGS \\(([^)]*)\\)").matcher(line);
            if (fetch.find()) {
                for (String flag : fetch.group(1).split(" ")) {
                    if (!flag.isEmpty() && !flag.startsWith("\\")) {
                        assertThat(announced).as("keyword %s used before a FLAGS listed it: %s", flag, selectAndLater).contains(flag);
                    }
                }
            }
        }
    }

    @Test
    void aKeywordIsInFlagsBeforeAFetchUsesIt() throws Exception {
        try (ImapDialog reader = login(); ImapDialog writer = login()) {
            assertThat(reader.tagged(reader.command("CREATE view-keywords"))).contains("OK");
            assertThat(reader.tagged(reader.append("view-keywords", plain("keywords 1")))).contains("OK");
            List<String> seen = new java.util.ArrayList<>(reader.command("SELECT view-keywords"));
            // Another session sets a keyword no message had; this session's next FETCH reads it.
            writer.command("SELECT view-keywords");
            assertThat(writer.tagged(writer.command("STORE 1 +FLAGS.SILENT ($Hello)"))).contains("OK");
            List<String> fetch = reader.command("FETCH 1 (FLAGS)");
            assertThat(fetch).anyMatch(line -> line.startsWith("* 1 FETCH (FLAGS (") && line.contains("$Hello"));
            seen.addAll(fetch);
            // This session's own STORE of a new keyword answers with the FETCH of the stored flags.
            List<String> store = reader.command("STORE 1 +FLAGS ($World)");
            assertThat(store).anyMatch(line -> line.contains("$World"));
            seen.addAll(store);
            seen.addAll(reader.command("NOOP"));
            assertKeywordsAnnounced(seen);
        }
    }

    static boolean recent(ImapDialog imap, int msn) throws Exception {
        return imap.command("FETCH " + msn + " (FLAGS)").get(0).contains("\\Recent");
    }

    @Test
    void aNewMessageIsRecentInOneSessionOnly() throws Exception {
        try (ImapDialog first = login(); ImapDialog second = login(); ImapDialog writer = login()) {
            assertThat(first.tagged(first.command("CREATE view-recent"))).contains("OK");
            assertThat(first.tagged(first.append("view-recent", plain("recent 1")))).contains("OK");
            first.command("SELECT view-recent");
            second.command("SELECT view-recent");
            assertThat(recent(first, 1) && recent(second, 1)).as("message 1 recent in both sessions").isFalse();
            // A message arrives while both have the folder selected: RFC 3501 2.3.2 gives \Recent to one session.
            assertThat(writer.tagged(writer.append("view-recent", plain("recent 2")))).contains("OK");
            // (message 1 is recent in the first session, which selected the folder first)
            assertThat(first.command("NOOP")).contains("* 2 EXISTS", "* 2 RECENT");
            assertThat(second.command("NOOP")).contains("* 2 EXISTS", "* 0 RECENT");
            assertThat(recent(first, 2)).isTrue();
            assertThat(recent(second, 2)).isFalse();
            // A session selecting the folder afterwards does not get it either (James took it from the stored flag).
            assertThat(writer.command("SELECT view-recent")).contains("* 0 RECENT");
        }
    }

    @Test
    void moveIntoTheSameFolderReportsTheExpungeBeforeTheNewMessage() throws Exception {
        try (ImapDialog imap = login()) {
            assertThat(imap.tagged(imap.command("CREATE move-self"))).contains("OK");
            assertThat(imap.tagged(imap.append("move-self", plain("move self")))).contains("OK");
            long validity = uidValidity(imap.command("SELECT move-self"));
            // As Dovecot (and imaptest's MOVE script): COPYUID, then the EXPUNGE, then EXISTS of what is left.
            List<String> move = imap.command("MOVE 1 move-self");
            assertThat(move.subList(0, 3)).containsExactly("* OK [COPYUID " + validity + " 1 2] Moved UIDs.", "* 1 EXPUNGE", "* 1 EXISTS");
            assertThat(move).filteredOn(line -> line.endsWith("EXISTS")).hasSize(1);
            assertThat(imap.tagged(move)).isEqualTo("a" + tagOf(imap) + " OK MOVE completed.");
        }
    }

    @Test
    void anotherSessionsFlagChangeIsReportedAtTheNextCommandAndExamineLeavesRecent() throws Exception {
        try (ImapDialog reader = login(); ImapDialog writer = login()) {
            assertThat(reader.tagged(reader.command("CREATE view-flags"))).contains("OK");
            assertThat(writer.tagged(writer.append("view-flags", plain("flags 1")))).contains("OK");
            // EXAMINE shows \Recent without taking it (RFC 3501 6.3.2): the SELECT after it still gets it.
            assertThat(reader.command("EXAMINE view-flags")).contains("* 1 RECENT");
            assertThat(reader.command("SELECT view-flags")).contains("* 1 RECENT");
            writer.command("SELECT view-flags");
            assertThat(writer.tagged(writer.command("STORE 1 +FLAGS.SILENT (\\Seen)"))).contains("OK");
            // imaptest's STORE script: the other session's CHECK reports the change (not only the command after it).
            assertThat(reader.command("CHECK")).contains("* 1 FETCH (FLAGS (\\Recent \\Seen))");
        }
    }

    /**
     * The lost answer of the 8-client bench (one client waited 60 s for a tagged answer, no thread blocked). James
     * writes a command's answers into one buffer per command, which is not thread-safe; an IDLE's buffer is written by
     * the reports of changes made while idling (on Reactor's scheduler) and by DONE's OK (on the connection's
     * thread). Written at the same moment, the OK was garbled into a report's line or erased when the report's flush
     * cleared the buffer, and the client never saw its tag. Here other sessions change flags without pause while
     * several sessions idle and end IDLE many times, as phones syncing a busy shared folder do: every DONE must get
     * its OK, and the reports must arrive whole.
     */
    @Test
    void idleEndedWhileChangesAreReportedAlwaysGetsItsOk() throws Exception {
        int idlers = 4;
        int writers = 2;
        List<ImapDialog> sessions = new ArrayList<>();
        ExecutorService clients = Executors.newFixedThreadPool(idlers + writers);
        AtomicBoolean idling = new AtomicBoolean(true);
        try (ImapDialog setup = login()) {
            assertThat(setup.tagged(setup.command("CREATE idle-race"))).contains("OK");
            for (int i = 0; i < 3; i++) {
                assertThat(setup.tagged(setup.append("idle-race", plain("idle race " + i)))).contains("OK");
            }
            List<Future<Integer>> work = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                ImapDialog writer = login();
                sessions.add(writer);
                assertThat(writer.tagged(writer.command("SELECT idle-race"))).contains("OK");
                int message = w + 1;
                work.add(clients.submit(() -> {
                    int n = 0;
                    while (idling.get() && n < 20_000) { // bounded: the idlers stop it long before
                        String change = n++ % 2 == 0 ? "+FLAGS.SILENT" : "-FLAGS.SILENT";
                        assertThat(writer.tagged(writer.command("STORE " + message + " " + change + " (\\Flagged)"))).contains("OK");
                    }
                    return n;
                }));
            }
            List<Future<Integer>> idlersDone = new ArrayList<>();
            for (int i = 0; i < idlers; i++) {
                ImapDialog idler = login();
                sessions.add(idler);
                assertThat(idler.command("SELECT idle-race")).contains("* 3 EXISTS");
                idlersDone.add(clients.submit(() -> {
                    int reported = 0;
                    for (int round = 1; round <= 250; round++) {
                        idler.idle();
                        // Ends IDLE at once, while reports of the writers' changes are being written. A lost OK fails
                        // here with "Read timed out" (the dialog's socket waits 30 s).
                        List<String> done = idler.done();
                        assertThat(idler.tagged(done)).as("round " + round).isEqualTo("a" + idler.lastTag() + " OK IDLE completed.");
                        for (String line : done.subList(0, done.size() - 1)) {
                            assertThat(line).as("a whole report line").matches("\\* [123] FETCH \\(FLAGS \\([^)]*\\)\\)");
                            reported++;
                        }
                    }
                    return reported;
                }));
            }
            int reported = 0;
            for (Future<Integer> idler : idlersDone) {
                reported += idler.get(300, TimeUnit.SECONDS);
            }
            idling.set(false);
            for (Future<Integer> writer : work) {
                assertThat(writer.get(60, TimeUnit.SECONDS)).isPositive();
            }
            // The race needs reports in flight: the writers' changes did reach the idling sessions.
            assertThat(reported).isPositive();
        } finally {
            idling.set(false);
            clients.shutdownNow();
            for (ImapDialog session : sessions) {
                session.close();
            }
        }
    }

    /**
     * Attack: many citizens online at once. Forty sessions with the same folder selected are told of another
     * session's new message and flag change at the same moment, in a FETCH (which James runs on Reactor's shared
     * scheduler). Before FolderEvents, each report waited for James to
     * apply the held events on the scheduler the reports themselves ran on; about twenty at once used up that
     * scheduler's threads and the IMAP server hung for good (every command of every session timed out).
     */
    @Test
    void fortySessionsToldOfChangesAtOnceAllGetTheirAnswers() throws Exception {
        int sessions = 40;
        List<ImapDialog> crowd = new ArrayList<>();
        ExecutorService clients = Executors.newFixedThreadPool(sessions);
        try (ImapDialog writer = login()) {
            assertThat(writer.tagged(writer.command("CREATE crowd"))).contains("OK");
            assertThat(writer.tagged(writer.append("crowd", plain("crowd 0")))).contains("OK");
            assertThat(writer.tagged(writer.command("SELECT crowd"))).contains("OK");
            for (int i = 0; i < sessions; i++) {
                ImapDialog session = login();
                crowd.add(session);
                assertThat(session.command("SELECT crowd")).contains("* 1 EXISTS");
            }
            for (int round = 1; round <= 5; round++) {
                assertThat(writer.tagged(writer.append("crowd", plain("crowd " + round)))).contains("OK");
                String change = round % 2 == 1 ? "+FLAGS.SILENT" : "-FLAGS.SILENT";
                assertThat(writer.tagged(writer.command("STORE 1 " + change + " (\\Flagged)"))).contains("OK");
                CountDownLatch go = new CountDownLatch(1);
                List<Future<List<String>>> answers = new ArrayList<>();
                for (ImapDialog session : crowd) {
                    answers.add(clients.submit(() -> {
                        go.await();
                        return session.command("FETCH 1:* (FLAGS)");
                    }));
                }
                go.countDown();
                for (Future<List<String>> answer : answers) {
                    // Each session's socket times out after 30 s; a hung server fails here.
                    List<String> lines = answer.get(90, TimeUnit.SECONDS);
                    assertThat(lines).contains("* " + (round + 1) + " EXISTS");
                    assertThat(lines.get(lines.size() - 1)).contains(" OK FETCH");
                }
            }
        } finally {
            clients.shutdownNow();
            for (ImapDialog session : crowd) {
                try {
                    session.close();
                } catch (Exception e) {
                    // A session of a hung server: the assertion above already failed the test.
                }
            }
        }
    }
}

package org.civicmail.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.SSLSocketFactory;

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
 * Issue 18 point 2 on the wire: the real server over imaps, a raw IMAP client, and the exact responses RFC 3501,
 * RFC 4315 (UIDPLUS), RFC 6851 (MOVE) and RFC 7162 (CONDSTORE/QRESYNC) prescribe. Each test works in its own folder.
 * Expected part contents were checked against Dovecot 2.3 (see README, "IMAP protocol conformance").
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ImapProtocolIT {
    static final String USER = "li.ming@citizen.hangzhou.example";
    static final String PASSWORD = "imap protocol 18";

    @TempDir
    static Path tmp;
    ForkedServer server;
    SSLSocketFactory tls;

    @BeforeAll
    void startServer() throws Exception {
        server = ForkedServer.start(tmp.resolve("data"));
        tls = MailClient.trusting(server.data());
        CliResult r = server.cli(PASSWORD + "\n", "account", "add", "--class", "citizen", "--address", USER,
            "--name", "李明", "--id-number", TestIds.residentId("33010219851111123"), "--password-stdin");
        assertThat(r.exitCode()).as(r.err()).isZero();
    }

    @AfterAll
    void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
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

}

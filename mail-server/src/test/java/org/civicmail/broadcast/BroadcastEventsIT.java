package org.civicmail.broadcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.civicmail.broadcast.BroadcastFixture.CITIZENS;
import static org.civicmail.broadcast.BroadcastFixture.OFFICIALS;
import static org.civicmail.broadcast.BroadcastFixture.PASSWORD;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import javax.net.ssl.SSLSocketFactory;

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
 * The delivery contract of issue 13 point 1, judged by IMAP clients of the real server: the moment `broadcast send`
 * reports a recipient delivered, that recipient's UID SEARCH ALL, SEARCH TEXT (a word of the notice), STATUS and an
 * IDLE session that has the folder selected all show the message, and that session's view stays right afterwards.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BroadcastEventsIT {
    static final String AGENCY = "fire-dept@" + OFFICIALS;
    static final String NOTICES = "通知";

    @RegisterExtension
    static final CivicMailExtension server = new CivicMailExtension()
        .withConfiguration("civicmail.broadcast.batch-size", "2");
    @TempDir
    static Path tmp;
    BroadcastFixture f;
    SSLSocketFactory tls;

    @BeforeAll
    void start() throws Exception {
        // Small batches: a notice to a handful of citizens is stored, announced and indexed in several batches.
        f = new BroadcastFixture(server, tmp);
        f.official(AGENCY, "杭州市消防支队", true);
        f.citizens("citizens.csv", List.of(new String[] {"idle1", "拱墅区"}, new String[] {"first1", "拱墅区"},
            new String[] {"first2", "拱墅区"}, new String[] {"first3", "拱墅区"}, new String[] {"other1", "余杭区"},
            new String[] {"later1", "临平区"}), "330105199002021");
        tls = MailClient.trusting(server.data());
    }

    private ImapDialog login(String localPart) throws Exception {
        return ImapDialog.login(tls, server.port("imaps"), localPart + "@" + CITIZENS, PASSWORD);
    }

    private CliResult notice(String subject, String body, String tag) throws Exception {
        Path template = Files.writeString(tmp.resolve("notice-" + System.nanoTime() + ".txt"), "Subject: " + subject + "\n\n" + body + "\n",
            StandardCharsets.UTF_8);
        CliResult r = server.cli(null, "broadcast", "send", "--from", AGENCY, "--kind", "policy-notice", "--template", template.toString(),
            "--to", "tag:" + tag);
        assertThat(r.exitCode()).as(r.err()).isZero();
        return r;
    }

    @Test
    void whenTheBroadcastSaysDeliveredSearchStatusAndAnIdleSessionAlreadyShowTheMessage() throws Exception {
        try (ImapDialog idle = login("idle1")) {
            // The citizen's client has the notices folder open and idles in it (the folder exists, empty).
            assertThat(idle.tagged(idle.command("CREATE " + ImapDialog.folder(NOTICES)))).contains("OK");
            List<String> selected = idle.command("SELECT " + ImapDialog.folder(NOTICES));
            assertThat(selected).contains("* 0 EXISTS");
            idle.idle();

            CliResult sent = notice("消火栓检查", "本周检查消火栓 hydrantcheck2026，请配合。", "拱墅区");
            assertThat(sent.out()).contains("finished: 4 delivered, 0 failed");

            // Delivered has been reported: from here nothing may need time to catch up.
            for (String citizen : List.of("idle1", "first1", "first2", "first3")) {
                try (ImapDialog d = login(citizen)) {
                    assertThat(d.command("STATUS " + ImapDialog.folder(NOTICES) + " (MESSAGES UIDNEXT UNSEEN)"))
                        .as(citizen).anyMatch(l -> l.startsWith("* STATUS") && l.contains("MESSAGES 1") && l.contains("UIDNEXT 2"));
                    d.command("EXAMINE " + ImapDialog.folder(NOTICES));
                    assertThat(d.command("UID SEARCH ALL")).as(citizen).contains("* SEARCH 1");
                    assertThat(d.command("SEARCH TEXT hydrantcheck2026")).as(citizen).contains("* SEARCH 1");
                    assertThat(d.command("SEARCH TEXT nosuchword2026")).as(citizen).contains("* SEARCH");
                    // The verdict is indexed once with the notice's text, each copy's Delivered-To with the copy alone:
                    // a header search finds the first in every copy and the second only in its own recipient's.
                    assertThat(d.command("SEARCH HEADER X-CivicMail-Signature valid")).as(citizen).contains("* SEARCH 1");
                    assertThat(d.command("SEARCH HEADER Delivered-To " + citizen + "@")).as(citizen).contains("* SEARCH 1");
                    String other = citizen.equals("first1") ? "first2" : "first1";
                    assertThat(d.command("SEARCH HEADER Delivered-To " + other + "@")).as(citizen).contains("* SEARCH");
                }
            }
            // The idling session was told before the broadcast reported the recipient (the line may still be on its way).
            idle.awaitLine(l -> l.equals("* 1 EXISTS"), Duration.ofSeconds(10));
            idle.done();
            // Its view is right: the broadcast message is UID 1, its own APPEND gets 2, and FETCH sees both.
            assertThat(idle.command("UID FETCH 1:* (UID)")).anyMatch(l -> l.matches("\\* 1 FETCH \\(UID 1\\)"));
            List<String> appended = idle.append(ImapDialog.folder(NOTICES),
                "From: idle1@citizen.hangzhou.example\r\nSubject: own note\r\n\r\nmine\r\n".getBytes(StandardCharsets.UTF_8));
            assertThat(idle.tagged(appended)).contains("OK").containsPattern("APPENDUID \\d+ 2\\]");
            List<String> all = idle.command("FETCH 1:* (UID)");
            assertThat(all).anyMatch(l -> l.matches("\\* 1 FETCH \\(UID 1\\)")).anyMatch(l -> l.matches("\\* 2 FETCH \\(UID 2\\)"));
            assertThat(idle.tagged(all)).contains("OK");
        }
        try (ImapDialog other = login("other1")) {
            assertThat(other.command("LIST \"\" " + ImapDialog.folder(NOTICES))).noneMatch(l -> l.startsWith("* LIST"));
        }
    }

    @Test
    void aSecondNoticeIsAnnouncedToAnIdleSessionWithTheNextUidAndIsSearchable() throws Exception {
        notice("第一次", "first notice gasline2026", "临平区");
        try (ImapDialog idle = login("later1")) {
            assertThat(idle.command("SELECT " + ImapDialog.folder(NOTICES))).contains("* 1 EXISTS");
            idle.idle();
            notice("第二次", "second notice waterline2026", "临平区");
            idle.awaitLine(l -> l.equals("* 2 EXISTS"), Duration.ofSeconds(10));
            idle.done();
            assertThat(idle.command("UID SEARCH TEXT waterline2026")).contains("* SEARCH 2");
            assertThat(idle.command("UID SEARCH TEXT gasline2026")).contains("* SEARCH 1");
        }
    }
}

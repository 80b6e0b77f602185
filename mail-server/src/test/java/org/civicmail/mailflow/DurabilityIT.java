package org.civicmail.mailflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

import javax.mail.Transport;
import javax.mail.internet.MimeMessage;

import org.civicmail.testkit.CivicMailExtension;
import org.civicmail.testkit.ForkedServer;
import org.civicmail.testkit.MailClient;
import org.civicmail.testkit.RunningServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing the server accepted is lost: not across a restart, not across a kill -9. Only the kill is about the process
 * (a server of its own JVM); the clean restart and the start after the kill run in the test's JVM, on the same data.
 * The real SIGTERM, its exit code and mail accepted during it are StopUnderLoadIT's.
 */
class DurabilityIT {
    static final String SENDER = "wu.gang@gov.hangzhou.example";
    static final String READER = "he.ping@citizen.hangzhou.example";
    static final String PASSWORD = "durable-pass-1";

    @TempDir
    Path tmp;

    private static void createAccounts(RunningServer server) throws Exception {
        assertThat(server.cli(PASSWORD, "account", "add", "--class", "official", "--address", SENDER, "--name", "吴刚",
            "--agency", "杭州市医保局", "--employee-no", "YB-7", "--password-stdin").exitCode()).isZero();
        assertThat(server.cli(PASSWORD, "account", "add", "--class", "citizen", "--address", READER, "--name", "何平",
            "--id-number", MailServerIT.id("33010619660606006"), "--password-stdin").exitCode()).isZero();
    }

    @Test
    void deliveredMailIsStillThereAfterARestart() throws Exception {
        try (CivicMailExtension server = CivicMailExtension.started(getClass(), Map.of(), ForkedServer.CONF)) {
            createAccounts(server);
            MailClient client = new MailClient(server);
            client.send(SENDER, PASSWORD, client.message(SENDER, READER, "医保年度结算", "您的年度结算已完成"));
            await().atMost(Duration.ofSeconds(30)).until(() -> client.inboxSubjects(READER, PASSWORD).contains("医保年度结算"));
            // Stopped as SIGTERM's shutdown hook stops it (CivicMailServer#close), then started on the same data.
            server.restart();
            assertThat(new MailClient(server).inboxSubjects(READER, PASSWORD)).containsExactly("医保年度结算");
        }
    }

    @Test
    void mailAcceptedJustBeforeAKillMinus9IsDeliveredAfterRestart() throws Exception {
        ForkedServer server = ForkedServer.start(tmp.resolve("data"));
        int count = 30;
        List<String> subjects = new ArrayList<>();
        try {
            createAccounts(server);
            MailClient client = new MailClient(server);
            try (Transport t = client.smtpSession().getTransport("smtp")) {
                t.connect(SENDER, PASSWORD);
                for (int i = 0; i < count; i++) {
                    String subject = "queued message " + i;
                    MimeMessage m = client.message(SENDER, READER, subject, "body " + i);
                    t.sendMessage(m, m.getAllRecipients());
                    subjects.add(subject);
                }
                // Every message got "250 OK"; now die without any chance to flush.
                server.kill9();
            }
        } finally {
            server.close();
        }
        try (CivicMailExtension restarted = CivicMailExtension.startedAfter(server, getClass())) {
            MailClient after = new MailClient(restarted);
            await().atMost(Duration.ofSeconds(90)).until(() -> new HashSet<>(after.inboxSubjects(READER, PASSWORD)).size() >= count);
            // SMTP delivery is at-least-once (RFC 5321 section 6.1): a message being delivered at the moment of the
            // kill may arrive twice, but none may be missing and nothing else may appear.
            assertThat(new HashSet<>(after.inboxSubjects(READER, PASSWORD))).containsExactlyInAnyOrderElementsOf(subjects);
        }
    }
}

package org.civicmail.mailflow.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import javax.mail.Folder;
import javax.mail.Message;
import javax.mail.Quota;
import javax.mail.Store;
import javax.mail.event.MessageCountAdapter;
import javax.mail.event.MessageCountEvent;
import javax.mail.search.BodyTerm;

import org.civicmail.testkit.CivicMailExtension;
import org.civicmail.testkit.DatabasesAtRest;
import org.civicmail.testkit.ForkedServer.CliResult;
import org.civicmail.testkit.MailClient;
import org.civicmail.testkit.SmtpDialog;
import org.civicmail.testkit.TestIds;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.sun.mail.imap.IMAPFolder;
import com.sun.mail.imap.IMAPStore;

/**
 * Local delivery with concurrent mails written together (GroupedLocalDelivery): over real SMTP and IMAP, what a
 * mailbox owner sees must be what James's own LocalDelivery gave: every message once, its own UID, counted in the
 * quota, findable by SEARCH and announced to an IDLE session the moment it is stored, and a recipient over quota
 * handed to the error processor (a bounce to the sender) with nothing stored.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GroupedLocalDeliveryIT {
    static final String CITIZEN = "citizen.hangzhou.example";
    static final String PASSWORD = "correct horse 1";
    /** Each test has mailboxes of its own, so that what one test counts is not changed by another. */
    static final List<String> MAILBOXES = List.of("a.gl@" + CITIZEN, "b.gl@" + CITIZEN, "c.gl@" + CITIZEN);
    static final List<String> TRIO = List.of("d.gl@" + CITIZEN, "e.gl@" + CITIZEN, "f.gl@" + CITIZEN);
    static final String IDLER = "g.gl@" + CITIZEN;
    static final String AFTER_UPGRADE = "h.gl@" + CITIZEN;
    static final String SMALL = "small.gl@" + CITIZEN;
    static final String SENDER = "sender.gl@" + CITIZEN;
    static final String SPOOLED = "spool.gl@" + CITIZEN;

    /** Citizens get 1 MiB, so that two 600 KB messages overrun one mailbox. */
    @RegisterExtension
    static final CivicMailExtension server = new CivicMailExtension().withConfiguration("civicmail.quota.citizen.mib", "1");
    MailClient client;

    @BeforeAll
    void accounts() throws Exception {
        client = new MailClient(server);
        int n = 0;
        List<String> all = new ArrayList<>(MAILBOXES);
        all.addAll(TRIO);
        all.addAll(List.of(IDLER, SMALL, SENDER, AFTER_UPGRADE, SPOOLED));
        for (String address : all) {
            CliResult created = server.cli(PASSWORD + "\n", "account", "add", "--class", "citizen", "--address", address,
                "--name", "市民" + n, "--id-number", TestIds.residentId(String.format("330106197001%02d%03d", 10 + n, 101 + n++)),
                "--password-stdin");
            assertThat(created.exitCode()).as(created.err()).isZero();
        }
    }

    private void sendInbound(String subject, String body, String... to) throws Exception {
        try (SmtpDialog smtp = new SmtpDialog(server.port("smtp"))) {
            smtp.send("EHLO partner.example");
            assertThat(smtp.send("MAIL FROM:<friend@partner.example>")).startsWith("250");
            for (String rcpt : to) {
                assertThat(smtp.send("RCPT TO:<" + rcpt + ">")).startsWith("250");
            }
            assertThat(smtp.data("From: friend@partner.example\nTo: " + String.join(", ", to) + "\nSubject: " + subject + "\n\n" + body))
                .startsWith("250");
        }
    }

    @Test
    void concurrentMailToFewMailboxesIsStoredOnceEachWithItsOwnUidCountedAndSearchable() throws Exception {
        // Eight senders at once, three mailboxes: the spooler's threads hand in several mails for one mailbox together.
        int messages = 48;
        ExecutorService senders = Executors.newFixedThreadPool(8);
        Map<String, Set<String>> expected = new HashMap<>();
        List<Future<?>> sent = new ArrayList<>();
        for (int i = 0; i < messages; i++) {
            String to = MAILBOXES.get(i % MAILBOXES.size());
            String subject = "grouped " + i;
            expected.computeIfAbsent(to, k -> new HashSet<>()).add(subject);
            int number = i;
            sent.add(senders.submit(() -> {
                sendInbound(subject, "token" + number + "x " + "x".repeat(2000), to);
                return null;
            }));
        }
        for (Future<?> f : sent) {
            f.get(60, TimeUnit.SECONDS);
        }
        senders.shutdown();

        for (String mailbox : MAILBOXES) {
            await().atMost(Duration.ofSeconds(60)).until(() -> client.inboxSubjects(mailbox, PASSWORD).size() >= expected.get(mailbox).size());
            try (Store store = client.imap(mailbox, PASSWORD)) {
                IMAPFolder inbox = (IMAPFolder) store.getFolder("INBOX");
                inbox.open(Folder.READ_ONLY);
                Message[] stored = inbox.getMessages();
                List<String> subjects = new ArrayList<>();
                Set<Long> uids = new HashSet<>();
                long bytes = 0;
                for (Message m : stored) {
                    subjects.add(m.getSubject());
                    uids.add(inbox.getUID(m));
                    bytes += m.getSize();
                    // As James's LocalDelivery: the envelope sender as Return-Path.
                    assertThat(m.getHeader("Return-Path")).containsExactly("<friend@partner.example>");
                }
                assertThat(subjects).as("each message exactly once").hasSize(expected.get(mailbox).size())
                    .containsExactlyInAnyOrderElementsOf(expected.get(mailbox));
                assertThat(uids).as("one UID each").hasSize(stored.length);
                Quota.Resource usage = Arrays.stream(((IMAPStore) store).getQuota("INBOX")[0].resources)
                    .filter(r -> r.name.equalsIgnoreCase("STORAGE")).findFirst().orElseThrow();
                assertThat(usage.usage).as("quota usage in KiB").isEqualTo(bytes / 1024);
                String one = subjects.get(0).substring("grouped ".length());
                Message[] found = inbox.search(new BodyTerm("token" + one + "x"));
                assertThat(found).extracting(Message::getSubject).containsExactly("grouped " + one);
            }
        }
    }

    @Test
    void oneMailForSeveralMailboxesIsStoredInEach() throws Exception {
        String subject = "to three at once";
        sendInbound(subject, "hello all", TRIO.toArray(String[]::new));

        for (String mailbox : TRIO) {
            await().atMost(Duration.ofSeconds(30)).until(() -> !client.inboxSubjects(mailbox, PASSWORD).isEmpty());
            assertThat(client.inboxSubjects(mailbox, PASSWORD)).containsExactly(subject);
        }
    }

    @Test
    void anIdleSessionIsToldOfTheNewMessage() throws Exception {
        String mailbox = IDLER;
        try (Store store = client.imap(mailbox, PASSWORD)) {
            IMAPFolder inbox = (IMAPFolder) store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            AtomicInteger told = new AtomicInteger();
            inbox.addMessageCountListener(new MessageCountAdapter() {
                @Override
                public void messagesAdded(MessageCountEvent e) {
                    told.addAndGet(e.getMessages().length);
                }
            });
            Thread idle = new Thread(() -> {
                try {
                    while (told.get() == 0 && inbox.isOpen()) {
                        inbox.idle(true);
                    }
                } catch (Exception e) {
                    // the folder is closed at the end of the test
                }
            }, "idle");
            idle.start();
            // Whether the mail is stored before or during IDLE, the session is told (at IDLE's start or while in it).
            sendInbound("while idle", "ping", mailbox);

            await().atMost(Duration.ofSeconds(30)).until(() -> told.get() > 0);
            idle.join(TimeUnit.SECONDS.toMillis(30));
        }
    }

    @Test
    void aRecipientOverQuotaGetsNothingStoredAndTheSenderABounce() throws Exception {
        String big = "y".repeat(600 * 1024);
        client.send(SENDER, PASSWORD, client.message(SENDER, SMALL, "fits", big));
        await().atMost(Duration.ofSeconds(30)).until(() -> client.inboxSubjects(SMALL, PASSWORD).contains("fits"));

        // Attack: filling a mailbox past its quota (a mail bomb) must not store the overflow.
        client.send(SENDER, PASSWORD, client.message(SENDER, SMALL, "does not fit", big));

        await().atMost(Duration.ofSeconds(30)).until(() -> !client.inboxSubjects(SENDER, PASSWORD).isEmpty());
        assertThat(client.inboxSubjects(SMALL, PASSWORD)).containsExactly("fits");
        try (Store store = client.imap(SENDER, PASSWORD)) {
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            Message bounce = inbox.getMessage(1);
            String text = new String(bounce.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(text).contains(SMALL);
        }
    }

    @Test
    void smallMailTravelsInsideTheSyncedSpoolJournalLargeMailAsABlobAndBothArriveIntact() throws Exception {
        String smallToken = "inline" + System.nanoTime() + "x";
        String largeToken = "blob" + System.nanoTime() + "x";
        String small = smallToken + "\n" + lines(3 * 1024);
        String large = largeToken + "\n" + lines(300 * 1024); // beyond the 32 KiB that travel inline
        sendInbound("inline", small, SPOOLED);
        sendInbound("blob", large, SPOOLED);

        await().atMost(Duration.ofSeconds(30)).until(() -> client.inboxSubjects(SPOOLED, PASSWORD).size() == 2);
        try (Store store = client.imap(SPOOLED, PASSWORD)) {
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            Map<String, String> bodies = new HashMap<>();
            for (Message m : inbox.getMessages()) {
                bodies.put(m.getSubject(), new String(m.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).replace("\r\n", "\n"));
            }
            assertThat(bodies.get("inline")).as("the inline message, byte for byte").isEqualTo(small + "\n");
            assertThat(bodies.get("blob")).as("the blob message, byte for byte").isEqualTo(large + "\n");
        }
        // The small message's content is inside the spool journal, which is synced before the 250 (a blob file is
        // not); the large one's is not in the journal (it went through a blob file, removed once delivered).
        assertThat(journalContains(smallToken)).as("small message in the journal").isTrue();
        assertThat(journalContains(largeToken)).as("large message in the journal").isFalse();
        Path blobs = server.data().resolve("james/var/store/activemq/blob-transfer");
        await().atMost(Duration.ofSeconds(10)).until(() -> regularFilesUnder(blobs) == 0);
    }

    /** {@code size} bytes of 76-character lines (SMTP allows no line over 998). */
    private static String lines(int size) {
        StringBuilder text = new StringBuilder(size + 80);
        while (text.length() < size) {
            text.append("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ abcdefghijkl\n");
        }
        return text.toString().stripTrailing();
    }

    private boolean journalContains(String token) throws IOException {
        byte[] wanted = token.getBytes(StandardCharsets.US_ASCII);
        try (Stream<Path> files = Files.list(server.data().resolve("james/var/store/activemq/brokers/KahaDB"))) {
            for (Path log : files.filter(f -> f.getFileName().toString().matches("db-\\d+\\.log")).toList()) {
                if (indexOf(Files.readAllBytes(log), wanted) >= 0) {
                    return true;
                }
            }
        }
        return false;
    }

    private static int indexOf(byte[] data, byte[] wanted) {
        outer:
        for (int i = 0; i + wanted.length <= data.length; i++) {
            for (int j = 0; j < wanted.length; j++) {
                if (data[i + j] != wanted[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static long regularFilesUnder(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).count();
        }
    }

    /** Last: it changes James's tables under the server, as a James upgrade could. */
    @Test
    @Order(Integer.MAX_VALUE)
    void tablesTheWriterDoesNotKnowLeaveLocalMailToJamesWithOneWarning() throws Exception {
        server.stop();
        // A column the table writer would leave empty: it must not write to this table any more.
        try (DatabasesAtRest james = DatabasesAtRest.of(server.data())) {
            james.jamesUpdate("ALTER TABLE JAMES_MAIL ADD COLUMN MAIL_SAVE_DATE TIMESTAMP");
        }
        server.start();

        sendInbound("after the upgrade 1", "one", AFTER_UPGRADE);
        sendInbound("after the upgrade 2", "two", AFTER_UPGRADE);

        await().atMost(Duration.ofSeconds(30)).until(() -> client.inboxSubjects(AFTER_UPGRADE, PASSWORD).size() == 2);
        assertThat(client.inboxSubjects(AFTER_UPGRADE, PASSWORD)).containsExactlyInAnyOrder("after the upgrade 1", "after the upgrade 2");
        List<String> warnings = server.output().stream().filter(l -> l.contains("local mail is stored by James's LocalDelivery instead"))
            .toList();
        assertThat(warnings).hasSize(1);
        assertThat(warnings.get(0)).contains("column JAMES_MAIL.MAIL_SAVE_DATE is unknown to the writer");
    }
}

package org.civicmail.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import javax.net.ssl.SSLSocketFactory;

import org.apache.lucene.index.IndexReader;
import org.apache.lucene.store.FSDirectory;

import org.civicmail.testkit.CivicMailExtension;
import org.civicmail.testkit.ForkedServer;
import org.civicmail.testkit.ForkedServer.CliResult;
import org.civicmail.testkit.MailClient;
import org.civicmail.testkit.RunningServer;
import org.civicmail.testkit.TestIds;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Upgrading a data directory whose messages were indexed only by James's analyser (as every installation before the
 * substring index was): the first start re-indexes every folder from the mailboxes, after which the
 * words are found, and the index is committed as current, so the next start does not re-index. The upgrade runs the
 * server in this JVM (a clean stop and start); the crash test forks one, to kill it, and starts the next in this JVM.
 */
class TextIndexRebuildIT {
    private static final String CITIZEN = "zhao.min@citizen.hangzhou.example";
    private static final String PASSWORD = "correct horse 1";

    @TempDir
    Path tmp;
    private ForkedServer forked;

    @AfterEach
    void stop() throws Exception {
        if (forked != null) {
            forked.close();
        }
    }

    @Test
    void anIndexWithoutTheSubstringLayoutIsRebuiltAtStartAndThenKept() throws Exception {
        try (CivicMailExtension server = CivicMailExtension.started(getClass(), Map.of(), ForkedServer.CONF)) {
            SSLSocketFactory tls = citizenWithThreeMessages(server, imap -> { });
            server.stop();
            Path textIndex = server.data().resolve("james/var/search-text");
            assertThat(textIndex).isDirectory();
            deleteTree(textIndex); // what a data directory from before the substring index has: James's index only

            server.start();
            // Read from the index on disk, not the log, before any search (a search indexes its folder first): the
            // commit names the current layout only once every folder is re-indexed (TextIndex#commit), and it holds
            // the three messages the mailboxes have.
            await("the re-indexed text index committed").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100))
                .until(() -> committed(textIndex).getOrDefault(TextIndex.VERSION_KEY, ""), TextIndex.VERSION::equals);
            assertThat(committedUids(textIndex)).containsExactly(1L, 2L, 3L);
            assertThat(subjectSearch(server, tls, "汇算清缴")).isEqualTo("* SEARCH 1");
            assertThat(subjectSearch(server, tls, "water")).isEqualTo("* SEARCH 2");
            assertThat(subjectSearch(server, tls, "到账")).isEqualTo("* SEARCH 3");

            server.stop();
            // The next start reads this and does not re-index (TextIndexRebuild.start).
            assertThat(committed(textIndex)).containsEntry(TextIndex.VERSION_KEY, TextIndex.VERSION);
        }
    }

    /**
     * A crash ({@code kill -9}) loses what the index took in since its last commit (every few seconds): the next start
     * sees that the run never closed the index and compares every folder with the mailboxes, so the messages appended
     * just before the crash are found and the one expunged just before it is not.
     */
    @Test
    void aStartAfterACrashRepairsTheIndexFromTheMailboxes() throws Exception {
        forked = ForkedServer.start(tmp.resolve("data"));
        Path textIndex = forked.data().resolve("james/var/search-text");
        SSLSocketFactory tls = citizenWithThreeMessages(forked, imap -> {
            // The committer has just made the three appends durable, so the expunge (and the kill right after it)
            // fall within its next period: the crash loses the expunge.
            await("the appends committed").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10))
                .until(() -> committedUids(textIndex), uids -> uids.equals(Set.of(1L, 2L, 3L)));
            imap.command("SELECT INBOX");
            assertThat(imap.command("UID STORE 2 +FLAGS.SILENT (\\Deleted)")).last().asString().contains(" OK ");
            assertThat(imap.command("EXPUNGE")).last().asString().contains(" OK ");
        });
        forked.kill9();
        // What the next start finds on disk: a run that never closed the index, which still holds the expunged message.
        assertThat(committed(textIndex)).containsEntry(TextIndex.OPEN_KEY, "true");
        assertThat(committedUids(textIndex)).as("the index as the crash left it").containsExactly(1L, 2L, 3L);

        // The next start, in the test's JVM (what it finds on disk is not about the process), compares the folder with
        // the mailbox in the background and commits: read on disk before any search (a search repairs its folder first).
        try (CivicMailExtension restarted = CivicMailExtension.startedAfter(forked, getClass())) {
            await("the repaired text index committed").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100))
                .until(() -> committedUids(textIndex), uids -> uids.equals(Set.of(1L, 3L)));
            assertThat(subjectSearch(restarted, tls, "汇算清缴")).isEqualTo("* SEARCH 1");
            assertThat(subjectSearch(restarted, tls, "到账")).isEqualTo("* SEARCH 3");
            assertThat(subjectSearch(restarted, tls, "water")).isEqualTo("* SEARCH");

            restarted.stop();
            assertThat(committed(textIndex)).as("a clean stop: the next start has nothing to repair")
                .containsEntry(TextIndex.OPEN_KEY, "false");
        }
    }

    /** The commit data of the index's last commit on disk (empty before its first). */
    private static Map<String, String> committed(Path index) throws Exception {
        try (FSDirectory dir = FSDirectory.open(index.toFile())) {
            return IndexReader.indexExists(dir) ? IndexReader.getCommitUserData(dir) : Map.of();
        }
    }

    private static Set<Long> committedUids(Path index) throws Exception {
        try (FSDirectory dir = FSDirectory.open(index.toFile())) {
            return TextIndex.committedUids(dir);
        }
    }

    /** More IMAP commands in the session that appended the messages. */
    private interface InSameSession {
        void run(ImapSearchIT.Imap imap) throws Exception;
    }

    /**
     * Adds the citizen and appends three messages to her INBOX over IMAPS (UIDs 1 汇算清缴提醒, 2 Water bill,
     * 3 退税到账通知), then runs {@code more} in the same session; returns the TLS trust for her next logins.
     */
    private static SSLSocketFactory citizenWithThreeMessages(RunningServer server, InSameSession more) throws Exception {
        CliResult added = server.cli(PASSWORD + "\n", "account", "add", "--class", "citizen", "--address", CITIZEN,
            "--name", "赵敏", "--id-number", TestIds.residentId("11010519491231002"), "--password-stdin");
        assertThat(added.exitCode()).as(added.err()).isZero();
        SSLSocketFactory tls = MailClient.trusting(server.data());
        try (ImapSearchIT.Imap imap = ImapSearchIT.Imap.login(tls, server.port("imaps"), CITIZEN, PASSWORD)) {
            imap.append(message("Subject: =?UTF-8?B?" + b64("汇算清缴提醒") + "?="));
            imap.append(message("Subject: Water bill"));
            imap.append(message("Subject: =?UTF-8?B?" + b64("退税到账通知") + "?="));
            more.run(imap);
        }
        return tls;
    }

    private static String subjectSearch(RunningServer server, SSLSocketFactory tls, String word) throws Exception {
        try (ImapSearchIT.Imap imap = ImapSearchIT.Imap.login(tls, server.port("imaps"), CITIZEN, PASSWORD)) {
            imap.command("EXAMINE INBOX");
            List<String> answer = imap.commandWithLiteral("UID SEARCH CHARSET UTF-8 SUBJECT ", word.getBytes(StandardCharsets.UTF_8));
            assertThat(answer.get(answer.size() - 1)).contains(" OK ");
            return answer.stream().filter(l -> l.startsWith("* SEARCH")).findFirst().orElseThrow().trim();
        }
    }

    private static byte[] message(String subjectLine) {
        return ("From: office@example.org\r\nTo: " + CITIZEN + "\r\n" + subjectLine + "\r\nDate: Mon, 30 Nov 2026 09:00:00 +0800\r\n"
            + "Content-Type: text/plain; charset=us-ascii\r\n\r\nx\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static void deleteTree(Path dir) throws Exception {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}

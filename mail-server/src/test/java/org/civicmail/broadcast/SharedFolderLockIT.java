package org.civicmail.broadcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.james.core.Username;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.MailboxPathLocker;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageManager;
import org.apache.james.mailbox.model.MailboxPath;
import org.civicmail.config.CivicMailConfig;
import org.civicmail.james.EvictingMailboxPathLocker;
import org.civicmail.server.CivicMailServer;
import org.civicmail.server.DataDirectory;
import org.civicmail.server.StartOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broadcast writer and James's own appends take one and the same folder lock: the server's bound
 * {@link MailboxPathLocker}. James 3.8.1's OpenJPA manager made a private locker of its own, so an IMAP APPEND or an
 * SMTP delivery did not wait for a broadcast batch holding the folder; and the bound locker forgets a folder's lock
 * once it is released (bounded memory at a million folders).
 */
class SharedFolderLockIT {
    @TempDir
    Path dir;

    // Lost update: James's append into a folder a broadcast batch holds must wait for the batch, not run beside it.
    @Test
    void jamesAppendsWaitForTheFolderLockTheBroadcastWriterHolds() throws Exception {
        CivicMailConfig config = CivicMailConfig.load(Path.of("..", "conf"), Map.of());
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try (CivicMailServer server = CivicMailServer.start(config, new DataDirectory(dir.resolve("data")), new StartOptions(false, true))) {
            MailboxPathLocker bound = server.service(MailboxPathLocker.class);
            assertThat(bound).isInstanceOf(EvictingMailboxPathLocker.class);
            EvictingMailboxPathLocker locker = (EvictingMailboxPathLocker) bound;
            MailboxManager mailboxes = server.service(MailboxManager.class);
            Username citizen = Username.of("lock-probe@citizen.hangzhou.example");
            MailboxSession session = mailboxes.createSystemSession(citizen);
            MailboxPath inbox = MailboxPath.inbox(citizen);
            mailboxes.createMailbox(inbox, session);

            CountDownLatch held = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Future<?> batch = threads.submit(() -> locker.executeWithLock(inbox, () -> {
                held.countDown();
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return null;
            }, MailboxPathLocker.LockType.Write));
            assertThat(held.await(30, TimeUnit.SECONDS)).isTrue();

            Future<?> append = threads.submit(() -> {
                MailboxSession s = mailboxes.createSystemSession(citizen);
                mailboxes.getMailbox(inbox, s).appendMessage(MessageManager.AppendCommand.builder()
                    .build("Subject: appended\r\n\r\nwhile a batch held the folder\r\n".getBytes(StandardCharsets.US_ASCII)), s);
                return null;
            });
            // James's append is queued on the very lock the batch holds (one holder, one waiter), and has stored nothing.
            await().atMost(Duration.ofSeconds(30)).until(() -> locker.holdersAndWaiters(inbox) == 2);
            assertThat(append.isDone()).isFalse();
            assertThat(mailboxes.getMailbox(inbox, session).getMessageCount(session)).isZero();

            release.countDown();
            batch.get(30, TimeUnit.SECONDS);
            append.get(30, TimeUnit.SECONDS);
            assertThat(mailboxes.getMailbox(inbox, session).getMessageCount(session)).isEqualTo(1);
            // Released by both: nothing of the folder's lock stays in memory.
            await().atMost(Duration.ofSeconds(30)).until(() -> locker.holdersAndWaiters(inbox) == 0);
        } finally {
            threads.shutdownNow();
        }
    }
}

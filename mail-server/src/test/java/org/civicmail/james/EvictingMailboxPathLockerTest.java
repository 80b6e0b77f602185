package org.civicmail.james;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.james.core.Username;
import org.apache.james.mailbox.MailboxPathLocker.LockType;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.model.MailboxPath;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import reactor.core.publisher.Mono;

class EvictingMailboxPathLockerTest {
    private static final MailboxPath NOTICES = MailboxPath.forUser(Username.of("citizen1@citizen.hangzhou.example"), "通知");

    private final EvictingMailboxPathLocker locker = new EvictingMailboxPathLocker();
    private final ExecutorService threads = Executors.newFixedThreadPool(8);

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    // Lost update: a second writer (IMAP APPEND beside a broadcast batch) must not enter a folder another writer holds.
    @Test
    void aSecondWriterOfTheSamePathWaitsUntilTheFirstHasLeft() throws Exception {
        CountDownLatch firstInside = new CountDownLatch(1);
        CountDownLatch releaseFirst = new CountDownLatch(1);
        AtomicBoolean secondInside = new AtomicBoolean();
        Future<Object> first = threads.submit(() -> locker.executeWithLock(NOTICES, () -> {
            firstInside.countDown();
            awaitUninterruptibly(releaseFirst);
            return null;
        }, LockType.Write));
        assertThat(firstInside.await(10, TimeUnit.SECONDS)).isTrue();
        Thread[] second = new Thread[1];
        Future<?> f = threads.submit(() -> {
            second[0] = Thread.currentThread();
            return locker.executeWithLock(MailboxPath.forUser(Username.of("citizen1@citizen.hangzhou.example"), "通知"), () -> {
                secondInside.set(true);
                return null;
            }, LockType.Write);
        });
        // The second thread is parked on the lock (real state, not a sleep), and has not entered.
        await().atMost(Duration.ofSeconds(10)).until(() -> second[0] != null && second[0].getState() == Thread.State.WAITING);
        assertThat(secondInside).isFalse();
        assertThat(locker.lockedPaths()).isEqualTo(1);
        releaseFirst.countDown();
        f.get(10, TimeUnit.SECONDS);
        assertThat(secondInside).isTrue();
        // The first writer unlocks before it counts itself out, so the second can finish first: the entry is gone
        // once both have left (waiting for the first too; asserting after the second alone raced, seen in CI).
        first.get(10, TimeUnit.SECONDS);
        assertThat(locker.lockedPaths()).isZero();
    }

    @Test
    void readersShareAFolderAndAWriterWaitsForThem() throws Exception {
        CountDownLatch bothReading = new CountDownLatch(2);
        CountDownLatch releaseReaders = new CountDownLatch(1);
        List<Future<Object>> readers = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            readers.add(threads.submit(() -> locker.executeWithLock(NOTICES, () -> {
                bothReading.countDown();
                awaitUninterruptibly(releaseReaders);
                return null;
            }, LockType.Read)));
        }
        assertThat(bothReading.await(10, TimeUnit.SECONDS)).as("two readers inside at once").isTrue();
        AtomicBoolean writerInside = new AtomicBoolean();
        Mono<Object> write = Mono.from(locker.executeReactiveWithLockReactive(NOTICES, Mono.fromCallable(() -> {
            writerInside.set(true);
            return "written";
        }), LockType.Write));
        Future<Object> writer = threads.submit(() -> write.block(Duration.ofSeconds(30)));
        await().atMost(Duration.ofSeconds(10)).until(() -> locker.lockedPaths() == 1 && !writer.isDone());
        assertThat(writerInside).isFalse();
        releaseReaders.countDown();
        assertThat(writer.get(10, TimeUnit.SECONDS)).isEqualTo("written");
        for (Future<Object> r : readers) {
            r.get(10, TimeUnit.SECONDS);
        }
        assertThat(locker.lockedPaths()).isZero();
    }

    // Lost update under contention: many writers on a few folders, plain (unsynchronised) counters incremented
    // inside the lock; any two inside at once would lose increments. Entries come and go all the while.
    @Test
    void writersOnFewFoldersNeverOverlapWhileEntriesComeAndGo() throws Exception {
        int folders = 3;
        int perThread = 20_000;
        int[] counters = new int[folders];
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int seed = t;
            workers.add(threads.submit(() -> {
                for (int i = 0; i < perThread; i++) {
                    int k = (i + seed) % folders;
                    MailboxPath path = MailboxPath.forUser(Username.of("c" + k + "@citizen.hangzhou.example"), "通知");
                    if (i % 2 == 0) {
                        locker.executeWithLock(path, () -> {
                            counters[k]++;
                            return null;
                        }, LockType.Write);
                    } else {
                        Mono.from(locker.executeReactiveWithLockReactive(path, Mono.fromRunnable(() -> counters[k]++),
                            LockType.Write)).block();
                    }
                }
                return null;
            }));
        }
        for (Future<?> w : workers) {
            w.get(120, TimeUnit.SECONDS);
        }
        assertThat(counters[0] + counters[1] + counters[2]).isEqualTo(8 * perThread);
        assertThat(locker.lockedPaths()).isZero();
    }

    // Memory exhaustion: a broadcast to N citizens locks N folders; nothing of them may stay once unlocked.
    @Test
    void memoryStaysBoundedAfterManyPaths() throws Exception {
        for (int i = 0; i < 200_000; i++) {
            MailboxPath path = MailboxPath.forUser(Username.of("bench-" + i + "@citizen.hangzhou.example"), "通知");
            locker.executeWithLock(path, () -> null, i % 3 == 0 ? LockType.Read : LockType.Write);
        }
        for (int i = 0; i < 1_000; i++) {
            MailboxPath path = MailboxPath.forUser(Username.of("reactive-" + i + "@citizen.hangzhou.example"), "通知");
            Mono.from(locker.executeReactiveWithLockReactive(path, Mono.just(i), LockType.Write)).block();
        }
        assertThat(locker.lockedPaths()).isZero();
    }

    @Test
    void aBatchOfManyFoldersIsLockedAtOnceWithoutTheStackGrowingAndAllAreReleased() throws Exception {
        // A broadcast batch of 1,000 folders locked by nesting one call per folder overflowed a 512 KiB thread stack.
        List<MailboxPath> paths = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            paths.add(MailboxPath.forUser(Username.of("batch-" + i + "@citizen.hangzhou.example"), "通知"));
        }
        Object[] result = new Object[1];
        Thread small = new Thread(null, () -> {
            try {
                result[0] = locker.executeWithLocks(paths, () -> {
                    // Held: another writer of one of these folders must wait.
                    Future<String> other = threads.submit(() -> locker.executeWithLock(paths.get(12_345), () -> "second", LockType.Write));
                    assertThatThrownBy(() -> other.get(300, TimeUnit.MILLISECONDS)).isInstanceOf(java.util.concurrent.TimeoutException.class);
                    return locker.lockedPaths();
                }, LockType.Write);
            } catch (Throwable t) {
                result[0] = t;
            }
        }, "small-stack", 256 * 1024);
        small.start();
        small.join(60_000);
        assertThat(result[0]).isEqualTo(20_000);
        await().atMost(Duration.ofSeconds(10)).until(() -> locker.lockedPaths() == 0);
    }

    @Test
    void aFailingExecutionReleasesItsLockAndEntry() throws Exception {
        assertThatThrownBy(() -> locker.executeWithLock(NOTICES, () -> {
            throw new MailboxException("append failed");
        }, LockType.Write)).isInstanceOf(MailboxException.class).hasMessage("append failed");
        assertThatThrownBy(() -> Mono.from(locker.executeReactiveWithLockReactive(NOTICES, Mono.error(new IllegalStateException("boom")),
            LockType.Write)).block()).hasMessageContaining("boom");
        assertThat(locker.lockedPaths()).isZero();
        // The folder can be locked again at once (the failed executions did not leave it held).
        assertThat(threads.submit(() -> locker.executeWithLock(NOTICES, () -> "again", LockType.Write)).get(10, TimeUnit.SECONDS))
            .isEqualTo("again");
    }

    private static void awaitUninterruptibly(CountDownLatch latch) throws MailboxException {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new MailboxException("the test never released the lock holder");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MailboxException("interrupted", e);
        }
    }
}

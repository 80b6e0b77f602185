package org.civicmail.james;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.StampedLock;

import org.apache.james.mailbox.MailboxPathLocker;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.store.JVMMailboxPathLocker;
import org.reactivestreams.Publisher;

import reactor.core.publisher.Mono;

/**
 * James's per-folder read/write lock ({@link MailboxPathLocker}) with the semantics of its {@link JVMMailboxPathLocker}
 * (one non-reentrant {@link StampedLock} per {@link MailboxPath}: writers exclusive, readers shared, blocking
 * acquisition on James's locker threads for the reactive form), but a folder's lock exists only while someone holds
 * or waits for it. James's locker keeps every lock it ever made: a broadcast locks each recipient's folder, so at
 * 1,000,000 citizens that was about 180 MB of locks, paths and user names that were never freed (BROADCAST.md).
 *
 * <p>Each entry counts its holders and waiters; the count is changed only inside {@link ConcurrentHashMap#compute},
 * which is atomic per key, so an entry is removed exactly when its last user leaves, and a thread arriving then gets a
 * fresh lock that nobody else can hold (the removed one is unreachable): two users of one path always share one lock.
 */
public final class EvictingMailboxPathLocker implements MailboxPathLocker {
    private final ConcurrentHashMap<MailboxPath, Entry> locks = new ConcurrentHashMap<>();

    /** A folder's lock and how many threads hold or wait for it (read and written only inside the map's compute). */
    private static final class Entry {
        final StampedLock lock = new StampedLock();
        int users;
    }

    /** A lock held: released by {@link #release}. */
    private final class Held {
        private final MailboxPath path;
        private final Entry entry;
        private final long stamp;

        Held(MailboxPath path, Entry entry, long stamp) {
            this.path = path;
            this.entry = entry;
            this.stamp = stamp;
        }

        void release() {
            try {
                entry.lock.unlock(stamp);
            } finally {
                leave(path);
            }
        }
    }

    @Override
    public <T> T executeWithLock(MailboxPath path, LockAwareExecution<T> execution, LockType lockType) throws MailboxException {
        Held held = acquire(path, lockType);
        try {
            return execution.execute();
        } finally {
            held.release();
        }
    }

    /**
     * Runs {@code execution} holding the locks of all these paths, taken one after the other in the list's order and
     * released in reverse. Unlike nesting {@link #executeWithLock} once per path, the stack does not grow with the
     * number of paths: a broadcast batch of 1,000 folders nested that deep overflowed the launcher's 512 KiB thread
     * stacks (StackOverflowError, measured with {@code civicmail.broadcast.batch-size=1000}).
     */
    public <T> T executeWithLocks(List<MailboxPath> paths, LockAwareExecution<T> execution, LockType lockType) throws MailboxException {
        Deque<Held> held = new ArrayDeque<>(paths.size());
        try {
            for (MailboxPath path : paths) {
                held.push(acquire(path, lockType));
            }
            return execution.execute();
        } finally {
            while (!held.isEmpty()) {
                held.pop().release();
            }
        }
    }

    /** As James's: the lock is taken (blocking) on James's locker threads, and released when the execution ends. */
    @Override
    public <T> Publisher<T> executeReactiveWithLockReactive(MailboxPath path, Publisher<T> execution, LockType lockType) {
        return Mono.using(() -> acquire(path, lockType), held -> Mono.from(execution), Held::release)
            .subscribeOn(JVMMailboxPathLocker.LOCKER_WRAPPER);
    }

    /** Folders whose lock is held or awaited right now: what this locker keeps in memory. */
    public int lockedPaths() {
        return locks.size();
    }

    /** Threads holding or waiting for {@code path}'s lock right now (0 when it has no entry). */
    public int holdersAndWaiters(MailboxPath path) {
        int[] users = {0};
        locks.computeIfPresent(path, (p, e) -> {
            users[0] = e.users;
            return e;
        });
        return users[0];
    }

    private Held acquire(MailboxPath path, LockType lockType) {
        Entry entry = locks.compute(path, (p, e) -> {
            Entry in = e == null ? new Entry() : e;
            in.users++;
            return in;
        });
        try {
            long stamp = switch (lockType) {
                case Write -> entry.lock.writeLock();
                case Read -> entry.lock.readLock();
            };
            return new Held(path, entry, stamp);
        } catch (RuntimeException | Error e) {
            leave(path);
            throw e;
        }
    }

    private void leave(MailboxPath path) {
        locks.computeIfPresent(path, (p, e) -> --e.users == 0 ? null : e);
    }
}

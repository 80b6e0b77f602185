package org.civicmail.mailflow.delivery;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Group commit: items handed in by concurrent threads are written together, one group at a time, by whichever
 * waiting thread finds no write running (no writer thread of its own, no timer: a thread alone is written at once,
 * and threads that arrive while a write runs form the next group). Each {@link #submit} returns only when every one
 * of its items has been written or has failed, so a caller that answers only afterwards (the spool's
 * acknowledgement) never answers for an item that is not on disk.
 *
 * <p>Items with equal keys never share a group (the second waits for the next one): the writer may rely on each key
 * appearing once per write. A group holds at most {@code maxGroup} items. Thread-safe.
 */
final class GroupCommit<I, O> {
    /** Writes one group; returns one output per item, in order. An exception fails every item of the group. */
    @FunctionalInterface
    interface Writer<I, O> {
        List<O> write(List<I> group) throws Exception;
    }

    /** What became of one item: its output, or the exception of its group's write. */
    record Result<O>(O output, Exception failure) {
    }

    private static final class Entry<I, O> {
        final I item;
        Result<O> result;

        Entry(I item) {
            this.item = item;
        }
    }

    private final Writer<I, O> writer;
    private final Function<I, Object> key;
    private final int maxGroup;
    private final ArrayDeque<Entry<I, O>> queue = new ArrayDeque<>();
    private boolean writing;

    GroupCommit(Writer<I, O> writer, Function<I, Object> key, int maxGroup) {
        if (maxGroup < 1) {
            throw new IllegalArgumentException("a group holds at least one item, not " + maxGroup);
        }
        this.writer = writer;
        this.key = key;
        this.maxGroup = maxGroup;
    }

    /**
     * Writes the items (in this thread or another's group); one result per item, in order. Not cut short by an
     * interrupt (queued items are written anyway, and a caller told otherwise might hand its mail on as failed); the
     * interrupt is kept for the caller.
     */
    List<Result<O>> submit(List<I> items) {
        List<Entry<I, O>> mine = new ArrayList<>(items.size());
        for (I item : items) {
            mine.add(new Entry<>(item));
        }
        synchronized (this) {
            queue.addAll(mine);
        }
        while (true) {
            List<Entry<I, O>> group;
            synchronized (this) {
                boolean interrupted = false;
                while (writing && !allDone(mine)) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
                if (allDone(mine)) {
                    List<Result<O>> results = new ArrayList<>(mine.size());
                    for (Entry<I, O> e : mine) {
                        results.add(e.result);
                    }
                    return results;
                }
                // Not all done and no write running: what is left of ours is still queued, so the group is not empty.
                writing = true;
                group = takeGroup();
            }
            List<Result<O>> written = null;
            try {
                written = write(group);
            } finally {
                synchronized (this) {
                    for (int i = 0; i < group.size(); i++) {
                        // An Error out of the writer: the group failed, and the next waiting thread may write.
                        group.get(i).result = written != null ? written.get(i)
                            : new Result<>(null, new IllegalStateException("the group's write ended abruptly"));
                    }
                    writing = false;
                    notifyAll();
                }
            }
        }
    }

    private List<Result<O>> write(List<Entry<I, O>> group) {
        List<I> items = new ArrayList<>(group.size());
        for (Entry<I, O> e : group) {
            items.add(e.item);
        }
        List<Result<O>> results = new ArrayList<>(group.size());
        try {
            List<O> outputs = writer.write(items);
            if (outputs.size() != items.size()) {
                throw new IllegalStateException("the writer returned " + outputs.size() + " outputs for " + items.size() + " items");
            }
            for (O o : outputs) {
                results.add(new Result<>(o, null));
            }
        } catch (Exception e) {
            results.clear();
            for (int i = 0; i < items.size(); i++) {
                results.add(new Result<>(null, e));
            }
        }
        return results;
    }

    /** Items handed in and not yet taken into a group (what tests wait for). */
    synchronized int queued() {
        return queue.size();
    }

    /** The oldest queued items, up to {@code maxGroup}, each key once; the rest stay queued in order. */
    private List<Entry<I, O>> takeGroup() {
        List<Entry<I, O>> group = new ArrayList<>();
        Set<Object> keys = new HashSet<>();
        Iterator<Entry<I, O>> it = queue.iterator();
        while (it.hasNext() && group.size() < maxGroup) {
            Entry<I, O> e = it.next();
            if (keys.add(key.apply(e.item))) {
                group.add(e);
                it.remove();
            }
        }
        return group;
    }

    private static <I, O> boolean allDone(List<Entry<I, O>> entries) {
        for (Entry<I, O> e : entries) {
            if (e.result == null) {
                return false;
            }
        }
        return true;
    }
}

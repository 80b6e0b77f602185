package org.civicmail.james;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Answers of a store read remembered in memory until the store is changed; the one rule of {@link KnownUsersCache}
 * and {@link CachedRecipientRewriteTable}. Whoever changes the store does so through {@link #changing}, which
 * forgets every answer before and after the change; an answer read while a change ran is not remembered (a
 * generation count, compared and stored under one lock, so a read that began before the change can never put its
 * old answer back after the change's last invalidation). Bounded: when full it is emptied.
 *
 * @param <K> what the answer is for
 * @param <V> the answer
 */
final class ReadThroughCache<K, V> {
    /** A read of the store; its checked exception passes through. */
    @FunctionalInterface
    interface Read<V, E extends Exception> {
        V read() throws E;
    }

    private final Map<K, V> answers = new ConcurrentHashMap<>();
    private final int maxEntries;
    /** Which answers are kept (e.g. only "present"); the others are read again every time. */
    private final Predicate<V> keep;
    private long generation;

    ReadThroughCache(int maxEntries, Predicate<V> keep) {
        this.maxEntries = maxEntries;
        this.keep = keep;
    }

    <E extends Exception> V get(K key, Read<V, E> read) throws E {
        V known = answers.get(key);
        if (known != null) {
            return known;
        }
        long before;
        synchronized (this) {
            before = generation;
        }
        V answer = read.read();
        if (answer != null && keep.test(answer)) {
            synchronized (this) {
                if (generation == before) {
                    if (answers.size() >= maxEntries) {
                        answers.clear();
                    }
                    answers.put(key, answer);
                }
            }
        }
        return answer;
    }

    /** A change of the store; its checked exception passes through. */
    @FunctionalInterface
    interface Change<E extends Exception> {
        void run() throws E;
    }

    /** Runs {@code change} with every answer forgotten before and after it, whether it succeeds or fails. */
    <E extends Exception> void changing(Change<E> change) throws E {
        invalidate();
        try {
            change.run();
        } finally {
            invalidate();
        }
    }

    /** Forgets every answer, and makes reads that are under way not remember theirs. */
    synchronized void invalidate() {
        generation++;
        answers.clear();
    }

    int size() {
        return answers.size();
    }
}

package org.civicmail.ca.keys;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.civicmail.ca.CaException;

/**
 * Runs the CA's key-file work side by side while it unlocks or is created. Every PKCS#12 key file costs two PBKDF2
 * runs at {@link Pkcs12Files#ITERATIONS} iterations (its MAC and its key, read or written) and the {@link MasterKey}
 * one more: about 0.7 s each on the launcher's C1-only JVM, nine of them at a start with two issuing CAs. The files
 * do not depend on each other, so they are decrypted (or encrypted) on as many threads as there are cores, at most
 * four: on this 2-core machine a start waits for about five runs instead of nine. The work and its strength are the
 * same; only the wall time differs. {@link #close} waits for every task, so the caller may clear the passphrase the
 * tasks read once this is closed.
 */
public final class ParallelKeyWork implements AutoCloseable {
    private static final int MAX_THREADS = 4;
    private final ExecutorService pool;

    public ParallelKeyWork() {
        int threads = Math.max(1, Math.min(MAX_THREADS, Runtime.getRuntime().availableProcessors()));
        AtomicInteger count = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "ca-key-work-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    public <T> CompletableFuture<T> submit(Supplier<T> task) {
        return CompletableFuture.supplyAsync(task, pool);
    }

    /** The task's result, or the exception it failed with (a {@link CaException} naming its file, as if run here). */
    public static <T> T join(CompletableFuture<T> task) {
        try {
            return task.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new CaException("key-file work failed: " + e.getCause(), e.getCause());
        }
    }

    /** Every task's result by key, in the map's order; the first failure (in that order) is thrown. */
    public static <K, T> Map<K, T> joinAll(Map<K, CompletableFuture<T>> tasks) {
        Map<K, T> out = new LinkedHashMap<>();
        tasks.forEach((k, task) -> out.put(k, join(task)));
        return out;
    }

    /** Waits for every task submitted (also those whose result nobody joined after another failed). */
    @Override
    public void close() {
        pool.shutdown();
        boolean interrupted = false;
        while (true) {
            try {
                if (pool.awaitTermination(1, TimeUnit.MINUTES)) {
                    break;
                }
            } catch (InterruptedException e) {
                interrupted = true; // the tasks still read the caller's passphrase: wait for them regardless
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}

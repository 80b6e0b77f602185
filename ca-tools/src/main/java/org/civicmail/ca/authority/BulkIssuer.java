package org.civicmail.ca.authority;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import org.civicmail.ca.CaException;
import org.civicmail.ca.IssuedCredential;

/**
 * Issues certificates for a list of addresses on several threads, reporting progress. A failure
 * for one address is recorded and the rest continue.
 */
public final class BulkIssuer {
    /** Called from worker threads after each address; implementations must be thread-safe. */
    public interface Progress {
        void update(int done, int failed, int total, double perSecond);
    }

    public record Failure(String address, String message) {
    }

    public record Result(int issued, List<Failure> failures, double seconds) {
    }

    private BulkIssuer() {
    }

    public static Result run(List<String> addresses, int threads, Function<String, IssuedCredential> issue,
                             Consumer<IssuedCredential> sink, Progress progress) {
        AtomicInteger done = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        List<Failure> failures = Collections.synchronizedList(new ArrayList<>());
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
        for (String address : addresses) {
            pool.execute(() -> {
                try {
                    sink.accept(issue.apply(address));
                } catch (CaException e) {
                    failures.add(new Failure(address, e.getMessage()));
                    failed.incrementAndGet();
                } catch (RuntimeException e) {
                    failures.add(new Failure(address, e.toString()));
                    failed.incrementAndGet();
                }
                int d = done.incrementAndGet();
                double secs = (System.nanoTime() - start) / 1e9;
                progress.update(d, failed.get(), addresses.size(), d / Math.max(secs, 1e-9));
            });
        }
        pool.shutdown();
        try {
            pool.awaitTermination(365, TimeUnit.DAYS);
        } catch (InterruptedException e) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
            throw new CaException("bulk issuance interrupted after " + done.get() + " of " + addresses.size());
        }
        List<Failure> sorted = new ArrayList<>(failures);
        return new Result(done.get() - failed.get(), sorted, (System.nanoTime() - start) / 1e9);
    }
}

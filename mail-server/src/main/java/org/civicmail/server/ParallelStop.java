package org.civicmail.server;

import java.util.ArrayList;
import java.util.List;

/**
 * Stops independent parts at the same time, one thread each, and waits for all. Several of our parts spend their
 * stop waiting rather than working (the JDK HTTP server's dispatcher polls once a second, Netty waits out a quiet
 * period): one after another they took 10 s; together they take as long as the slowest. Every part is stopped even
 * when another fails; the first failure is rethrown with the others suppressed.
 */
public final class ParallelStop {
    private ParallelStop() {
    }

    public static void run(String name, List<Runnable> parts) {
        List<Thread> threads = new ArrayList<>();
        List<RuntimeException> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < parts.size(); i++) {
            Runnable part = parts.get(i);
            Thread t = new Thread(() -> {
                try {
                    part.run();
                } catch (RuntimeException e) {
                    failures.add(e);
                }
            }, name + "-stop-" + i);
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (!failures.isEmpty()) {
            RuntimeException first = failures.get(0);
            failures.subList(1, failures.size()).forEach(first::addSuppressed);
            throw first;
        }
    }
}

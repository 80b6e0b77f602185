package org.civicmail.server;

import java.util.ArrayDeque;
import java.util.Deque;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a start has opened, closed in reverse order, each close isolated: one that fails does not leave the rest
 * open. The first failure is thrown after all closes ran, the others suppressed on it. Not thread-safe: one
 * starting or stopping thread.
 */
final class Closer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Closer.class);

    /** A close that may throw anything (James's stop, a socket's close). */
    @FunctionalInterface
    interface Step {
        void close() throws Exception;
    }

    private record Named(String name, Step step) {
    }

    private final Deque<Named> opened = new ArrayDeque<>();

    /** Registers what was just opened; it will be closed before everything registered earlier. */
    void add(String name, Step step) {
        opened.push(new Named(name, step));
    }

    @Override
    public void close() {
        RuntimeException failure = null;
        while (!opened.isEmpty()) {
            Named n = opened.pop();
            long started = System.nanoTime();
            try {
                n.step().close();
                // One line per part, so a slow stop says where its time went.
                LOG.info("Closed {} ({} ms)", n.name(), (System.nanoTime() - started) / 1_000_000);
            } catch (Exception e) {
                LOG.warn("Closing {} failed: {}", n.name(), e.toString());
                RuntimeException wrapped = e instanceof RuntimeException r ? r
                    : new IllegalStateException("closing " + n.name() + " failed: " + e.getMessage(), e);
                if (failure == null) {
                    failure = wrapped;
                } else {
                    failure.addSuppressed(wrapped);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}

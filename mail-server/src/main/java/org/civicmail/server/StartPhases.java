package org.civicmail.server;

import java.util.StringJoiner;

/**
 * How long each phase of a start took, for one log line at its end (as {@link Closer} logs each part of a stop): a
 * slow start says where its time went without a profiler. Not thread-safe: the starting thread only.
 */
final class StartPhases {
    private final long began = System.nanoTime();
    private long last = began;
    private final StringJoiner phases = new StringJoiner(", ");

    /** The phase that began when the previous one ended has ended now. */
    void ended(String phase) {
        long now = System.nanoTime();
        phases.add(phase + " " + (now - last) / 1_000_000 + " ms");
        last = now;
    }

    /** e.g. "1234 ms: databases 200 ms, CA 900 ms, ..." */
    String summary() {
        return (last - began) / 1_000_000 + " ms: " + phases;
    }
}

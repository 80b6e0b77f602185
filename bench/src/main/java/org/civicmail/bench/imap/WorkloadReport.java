package org.civicmail.bench.imap;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a run of {@link MixedImapWorkload} measured and found: latencies per command, the server's refusals
 * (NO/BAD the client did not cause), dropped connections and consistency violations (a UID given to two messages,
 * a UIDNEXT going back, a folder size that disagrees with what the server lists). Thread-safe: every client
 * records into it.
 */
public final class WorkloadReport {
    private static final int KEPT = 50;

    private final Map<String, ConcurrentLinkedQueue<Long>> nanosByCommand = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<String> refusals = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String> drops = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String> viewGaps = new ConcurrentLinkedQueue<>();
    private final AtomicInteger viewGapCount = new AtomicInteger();
    private final AtomicInteger refusalCount = new AtomicInteger();
    private final AtomicInteger dropCount = new AtomicInteger();
    private final AtomicInteger violationCount = new AtomicInteger();
    private volatile double seconds;

    void record(String command, long nanos) {
        nanosByCommand.computeIfAbsent(command, c -> new ConcurrentLinkedQueue<>()).add(nanos);
    }

    void refused(String what) {
        keep(refusals, refusalCount, what);
    }

    void dropped(String what) {
        keep(drops, dropCount, what);
    }

    void violation(String what) {
        keep(violations, violationCount, what);
    }

    /** A SELECT whose EXISTS counted messages that FETCH 1:* then did not list (James's selected-folder view; issue 18). */
    void viewGap(String what) {
        keep(viewGaps, viewGapCount, what);
    }

    public int viewGapCount() {
        return viewGapCount.get();
    }

    /** The first few view gaps, for the benchmark's output and the test's log. */
    public String viewGaps() {
        StringBuilder s = new StringBuilder();
        append(s, "SELECT views with messages FETCH 1:* did not list", viewGapCount.get(), viewGaps);
        return s.length() == 0 ? "none" : s.toString();
    }

    void seconds(double measured) {
        seconds = measured;
    }

    private static void keep(ConcurrentLinkedQueue<String> list, AtomicInteger count, String what) {
        if (count.incrementAndGet() <= KEPT) {
            list.add(what);
        }
    }

    public int operations() {
        return nanosByCommand.values().stream().mapToInt(ConcurrentLinkedQueue::size).sum();
    }

    /** Every kind of command the workload issues. */
    public static final java.util.List<String> KINDS = java.util.List.of("SELECT", "APPEND", "FETCH", "STORE", "EXPUNGE", "COPY", "MOVE",
        "SEARCH", "IDLE");

    /** Whether some kind of command has not run yet. */
    boolean missingKinds() {
        return KINDS.stream().anyMatch(k -> operations(k) == 0);
    }

    public int operations(String command) {
        ConcurrentLinkedQueue<Long> q = nanosByCommand.get(command);
        return q == null ? 0 : q.size();
    }

    public double opsPerSecond() {
        return seconds > 0 ? operations() / seconds : 0;
    }

    /** Latency percentile over every command, in milliseconds. */
    public double percentileMillis(int p) {
        List<Long> all = new ArrayList<>();
        nanosByCommand.values().forEach(all::addAll);
        return percentile(all, p);
    }

    private static double percentile(java.util.Collection<Long> values, int p) {
        long[] sorted = values.stream().mapToLong(Long::longValue).toArray();
        if (sorted.length == 0) {
            return 0;
        }
        Arrays.sort(sorted);
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
    }

    public int refusalCount() {
        return refusalCount.get();
    }

    public int dropCount() {
        return dropCount.get();
    }

    public int violationCount() {
        return violationCount.get();
    }

    /** The first few of each kind of problem, for an assertion message or the benchmark's output. */
    public String problems() {
        StringBuilder s = new StringBuilder();
        append(s, "refused (NO/BAD)", refusalCount.get(), refusals);
        append(s, "connections dropped", dropCount.get(), drops);
        append(s, "consistency violations", violationCount.get(), violations);
        return s.length() == 0 ? "none" : s.toString();
    }

    private static void append(StringBuilder s, String kind, int count, ConcurrentLinkedQueue<String> kept) {
        if (count > 0) {
            s.append(kind).append(": ").append(count).append('\n');
            kept.forEach(k -> s.append("  ").append(k).append('\n'));
        }
    }

    /** A human table and one machine-readable RESULT line (what the comparison script reads). */
    public void print(String name, PrintStream out) {
        out.printf("%s: %,d operations in %.1f s = %,.0f ops/s; latency p50 %.1f ms, p99 %.1f ms; refused %d, dropped %d, violations %d,"
            + " view gaps %d%n", name, operations(), seconds, opsPerSecond(), percentileMillis(50), percentileMillis(99), refusalCount.get(),
            dropCount.get(), violationCount.get(), viewGapCount.get());
        new TreeMap<>(nanosByCommand).forEach((command, nanos) -> out.printf("  %-8s %,7d  p50 %7.1f ms  p99 %7.1f ms%n",
            command, nanos.size(), percentile(nanos, 50), percentile(nanos, 99)));
        if (refusalCount.get() + dropCount.get() + violationCount.get() > 0) {
            out.print(problems());
        }
        if (viewGapCount.get() > 0) {
            out.print(viewGaps());
        }
        out.printf("RESULT %s ops-per-s=%.1f p50-ms=%.1f p99-ms=%.1f errors=%d view-gaps=%d%n", name, opsPerSecond(), percentileMillis(50),
            percentileMillis(99), refusalCount.get() + dropCount.get() + violationCount.get(), viewGapCount.get());
    }
}

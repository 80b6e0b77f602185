package org.civicmail.broadcast.store;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Recipient numbers (seq) of a broadcast grouped into runs of consecutive numbers, so that a statement per run
 * ({@code SEQ BETWEEN first AND last}) touches exactly the rows of the numbers given, and a batch of a fresh
 * broadcast (500 consecutive recipients) costs one statement instead of 500.
 */
public final class SeqRuns {
    /** The numbers {@code first..last}, both included. */
    public record Run(int first, int last) {
    }

    private SeqRuns() {
    }

    /** The runs of {@code seqs} (any order, duplicates ignored), in ascending order. */
    public static List<Run> of(Collection<Integer> seqs) {
        int[] sorted = seqs.stream().mapToInt(Integer::intValue).sorted().distinct().toArray();
        List<Run> runs = new ArrayList<>();
        int i = 0;
        while (i < sorted.length) {
            int j = i;
            while (j + 1 < sorted.length && sorted[j + 1] == sorted[j] + 1) {
                j++;
            }
            runs.add(new Run(sorted[i], sorted[j]));
            i = j + 1;
        }
        return runs;
    }
}

package org.civicmail.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StartPhasesTest {

    @Test
    void summaryNamesEachPhaseInOrderWithItsDurationAndTheTotal() throws Exception {
        StartPhases phases = new StartPhases();
        phases.ended("databases");
        busyFor(30);
        phases.ended("James");

        String summary = phases.summary();

        assertThat(summary).matches("\\d+ ms: databases \\d+ ms, James \\d+ ms");
        long total = Long.parseLong(summary.substring(0, summary.indexOf(' ')));
        long james = Long.parseLong(summary.replaceAll(".*James (\\d+) ms$", "$1"));
        assertThat(james).isGreaterThanOrEqualTo(30);
        assertThat(total).isGreaterThanOrEqualTo(james);
    }

    /** Spends real time without a sleep: the phase's duration is what is measured. */
    private static void busyFor(long millis) {
        long until = System.nanoTime() + millis * 1_000_000;
        while (System.nanoTime() < until) {
            Thread.onSpinWait();
        }
    }
}

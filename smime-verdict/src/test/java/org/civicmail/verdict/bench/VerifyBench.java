package org.civicmail.verdict.bench;

import java.time.Instant;

import org.civicmail.verdict.SignatureVerifier;
import org.civicmail.verdict.testkit.AttackCorpus;
import org.civicmail.verdict.testkit.Fixture;

/**
 * In-process verification rate of the shared verifier on one corpus message, one thread, revocation answered from
 * memory (as the server's city CA does). {@code java -cp ... org.civicmail.verdict.bench.VerifyBench [fixture] [n]}
 */
public final class VerifyBench {
    private VerifyBench() {
    }

    public static void main(String[] args) throws Exception {
        String name = args.length > 0 ? args[0] : "valid-protected";
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        AttackCorpus corpus = AttackCorpus.get();
        Fixture fixture = corpus.fixtures.stream().filter(f -> f.name().equals(name)).findFirst().orElseThrow();
        SignatureVerifier verifier = corpus.verifier();
        for (int i = 0; i < 300; i++) {
            verifier.verify(fixture.raw(), Instant.now());
        }
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long cpu0 = threads.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            if (!fixture.expected().matches(verifier.verify(fixture.raw(), Instant.now()))) {
                throw new IllegalStateException("unexpected verdict for " + name);
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        double cpuSeconds = (threads.getCurrentThreadCpuTime() - cpu0) / 1e9;
        // CPU time too: on a shared machine the wall-clock rate says more about the neighbours than about us.
        System.out.printf("%s: %,.0f verifications/s wall (%d in %.2f s), %,.0f per CPU-second (%.2f ms CPU each)%n",
            name, n / seconds, n, seconds, n / cpuSeconds, cpuSeconds * 1000 / n);
    }
}

package org.civicmail.ca.cli;

import java.time.Duration;
import org.civicmail.ca.CaException;
import org.civicmail.ca.KeyAlgorithm;
import org.civicmail.ca.bench.Benchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ca bench}: certificates issued per second and OCSP responses per second over loopback,
 * on a throwaway CA in a temporary directory (the environment's CA is not touched).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmark issuance and OCSP on a throwaway CA (the real store is not touched).")
final class BenchCommand extends CaCommandChild {
    @Option(names = "--certs", defaultValue = "5000", description = "Certificates to issue (default 5000).")
    int certs;

    @Option(names = "--threads", description = "Issuing threads (default 8: more than the CPUs, so disk syncs overlap).")
    int threads = 8;

    @Option(names = "--clients", defaultValue = "8", description = "Concurrent OCSP client connections (default 8).")
    int clients;

    @Option(names = "--ocsp-seconds", defaultValue = "15", description = "How long to measure OCSP (default 15).")
    int ocspSeconds;

    @Option(names = "--key-algorithm", defaultValue = "ec-p256", description = "ec-p256 (default) or rsa-3072.")
    String keyAlgorithm;

    @Override
    int execute(CaEnvironment env) {
        if (certs < 1 || threads < 1 || clients < 1 || ocspSeconds < 1) {
            throw bad("--certs, --threads, --clients and --ocsp-seconds must be at least 1");
        }
        KeyAlgorithm alg = KeyAlgorithm.parse("--key-algorithm", keyAlgorithm);
        try {
            Benchmark.Figures f = new Benchmark(env.err()).run(certs, threads, clients, Duration.ofSeconds(ocspSeconds), alg);
            env.out().printf("certificates/s: %.0f (%d certificates, %s, %d threads)%n", f.certsPerSecond(), f.certificates(),
                    alg, f.threads());
            env.out().printf("OCSP responses/s: %.0f (%d responses, %d clients, loopback HTTP POST)%n", f.ocspPerSecond(),
                    f.ocspResponses(), f.clients());
            return 0;
        } catch (CaException e) {
            throw e;
        } catch (Exception e) {
            throw new CaException("benchmark failed: " + e, e);
        }
    }
}

package org.civicmail.cli.bench;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;

import org.civicmail.bench.ca.CaBenchmark;
import org.civicmail.ca.KeyAlgorithm;
import org.civicmail.cli.ExitCodes;
import org.civicmail.cli.RunsLocally;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench ca}: certificates issued per second and OCSP responses per second over loopback, on a throwaway CA in
 * a temporary directory (the installation's CA is not touched). Was {@code ca bench} in ca-tools; a benchmark is not
 * part of the CA's production code, so it lives with the other benchmarks (module bench).
 */
@Command(name = "ca", mixinStandardHelpOptions = true,
    description = "Benchmark issuance and OCSP on a throwaway CA (the installation's CA is not touched).")
public class BenchCaCommand implements Callable<Integer>, RunsLocally {
    @Option(names = "--certs", defaultValue = "5000", description = "Certificates to issue (default ${DEFAULT-VALUE}).")
    int certs;

    @Option(names = "--threads", defaultValue = "8",
        description = "Issuing threads (default ${DEFAULT-VALUE}: more than the CPUs, so disk syncs overlap).")
    int threads;

    @Option(names = "--clients", defaultValue = "8", description = "Concurrent OCSP client connections (default ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--ocsp-seconds", defaultValue = "15", description = "How long to measure OCSP (default ${DEFAULT-VALUE}).")
    int ocspSeconds;

    @Option(names = "--key-algorithm", defaultValue = "ec-p256", description = "ec-p256 (default), rsa-3072 or rsa-2048.")
    String keyAlgorithm;

    @Override
    public Integer call() throws Exception {
        Counts.atLeast(1, Map.of("--certs", certs, "--threads", threads, "--clients", clients, "--ocsp-seconds", ocspSeconds));
        KeyAlgorithm alg = KeyAlgorithm.parse("--key-algorithm", keyAlgorithm);
        CaBenchmark.Figures f = new CaBenchmark(System.err).run(certs, threads, clients, Duration.ofSeconds(ocspSeconds), alg);
        System.out.printf("certificates/s: %.0f (%d certificates, %s, %d threads)%n", f.certsPerSecond(), f.certificates(), alg,
            f.threads());
        System.out.printf("OCSP responses/s: %.0f (%d responses, %d clients, loopback HTTP POST)%n", f.ocspPerSecond(),
            f.ocspResponses(), f.clients());
        return ExitCodes.OK;
    }
}

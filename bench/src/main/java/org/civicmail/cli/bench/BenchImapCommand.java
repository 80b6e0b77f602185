package org.civicmail.cli.bench;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.civicmail.bench.imap.MixedImapWorkload;
import org.civicmail.bench.imap.WorkloadReport;
import org.civicmail.cli.BadInputException;
import org.civicmail.cli.ExitCodes;
import org.civicmail.cli.RunsLocally;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench imap}: issue 18's mixed IMAP workload against any IMAP server on loopback over implicit TLS, so the
 * same load runs against CivicMail and against a peer (Dovecot, {@code bench/scripts/imap-vs-dovecot.sh}). An IMAP
 * client of whichever server it is pointed at: never forwarded to the running server.
 */
@Command(name = "imap", mixinStandardHelpOptions = true,
    description = {"Run the mixed IMAP workload (APPEND, FETCH, STORE, EXPUNGE, COPY, MOVE, SEARCH, IDLE on shared folders)",
        "against an IMAP server on loopback (implicit TLS) and print operations/s, p50/p99 latency and errors."})
public class BenchImapCommand implements Callable<Integer>, RunsLocally {
    @Option(names = "--server", required = true, paramLabel = "HOST:PORT", description = "The server's imaps listener (loopback only).")
    String server;

    @Option(names = "--trust", required = true, paramLabel = "PEM", description = "Certificate(s) to trust for the server's TLS.")
    Path trust;

    @Option(names = "--user", required = true, paramLabel = "ADDRESS", description = "A user whose folders the clients share (repeatable).")
    List<String> users;

    @Option(names = "--password-env", defaultValue = "BENCH_IMAP_PASSWORD", paramLabel = "NAME",
        description = "Environment variable holding the users' password (default ${DEFAULT-VALUE}).")
    String passwordEnv;

    @Option(names = "--name", defaultValue = "server", description = "Name printed with the figures (default ${DEFAULT-VALUE}).")
    String name;

    @Option(names = "--clients", defaultValue = "8", description = "Concurrent connections (default ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--seconds", defaultValue = "30", description = "Measured time (default ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--preload", defaultValue = "20", description = "Messages APPENDed to each shared folder first (default ${DEFAULT-VALUE}).")
    int preload;

    @Option(names = "--seed", defaultValue = "18", description = "Random seed: the same seed gives both servers the same mix.")
    long seed;

    @Override
    public Integer call() throws Exception {
        if (!server.matches("127\\.[0-9.]+:\\d+")) {
            throw new BadInputException("--server " + server + ": give a loopback address as 127.0.0.1:PORT (the benchmark loads only loopback)");
        }
        Counts.atLeast(1, Map.of("--clients", clients, "--seconds", seconds));
        Counts.atLeast(0, Map.of("--preload", preload));
        String password = System.getenv(passwordEnv);
        if (password == null || password.isEmpty()) {
            throw new BadInputException("environment variable " + passwordEnv + " is not set; put the users' password there");
        }
        if (!Files.isReadable(trust)) {
            throw new BadInputException("--trust " + trust + " is not a readable PEM file");
        }
        String host = server.substring(0, server.lastIndexOf(':'));
        int port = Integer.parseInt(server.substring(server.lastIndexOf(':') + 1));
        MixedImapWorkload workload = new MixedImapWorkload(new MixedImapWorkload.Settings(new InetSocketAddress(host, port),
            trusting(trust).getSocketFactory(), users, password, clients, Duration.ofSeconds(seconds), List.of("Shared", "Archive"),
            preload, seed));
        workload.prepare();
        WorkloadReport report = workload.run();
        report.print(name, System.out);
        return ExitCodes.OK;
    }

    private static SSLContext trusting(Path pem) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        try (InputStream in = Files.newInputStream(pem)) {
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("trusted-" + i++, c);
            }
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, tmf.getTrustManagers(), null);
        return tls;
    }
}

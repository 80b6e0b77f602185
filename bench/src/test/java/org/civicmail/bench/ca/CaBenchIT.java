package org.civicmail.bench.ca;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.civicmail.testkit.ForkedServer;
import org.civicmail.testkit.ForkedServer.CliResult;
import org.civicmail.testkit.OfflineCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CA benchmark (`./civicmail bench ca`, once `ca bench` in ca-tools) at a small N, run as the README runs it: it
 * issues every certificate asked for and answers OCSP on its throwaway CA (the figures are for the README, not for
 * CI on a shared machine); a bad count is refused with the option named.
 */
class CaBenchIT {
    @TempDir
    Path tmp;

    @Test
    void theBenchmarkIssuesEveryCertificateAndAnswersOcsp() throws Exception {
        CliResult r = ForkedServer.runCli(tmp.resolve("unused"), null, "bench", "ca", "--certs", "6", "--threads", "2", "--clients", "2",
            "--ocsp-seconds", "1");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("certificates/s: [0-9]+ \\(6 certificates, EC_P256, 2 threads\\)")
            .containsPattern("OCSP responses/s: [0-9]+ \\([1-9][0-9]* responses, 2 clients, loopback HTTP POST\\)");
    }

    @Test
    void aCountBelowOneIsRefused() throws Exception {
        // The CLI's own code in this JVM (a refusal needs no JVM start of its own; the run above is the README's).
        CliResult r = OfflineCli.run(tmp.resolve("unused"), "bench", "ca", "--certs", "0");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--certs must be at least 1 (got 0)");
        CliResult two = OfflineCli.run(tmp.resolve("unused"), "bench", "ca", "--threads", "0", "--clients", "-1");
        assertThat(two.exitCode()).isEqualTo(2);
        assertThat(two.err()).as("each bad option named with what it got").contains("--clients, --threads must be at least 1 (got -1, 0)");
    }
}

package org.civicmail.broadcast;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.civicmail.testkit.ForkedServer;
import org.civicmail.testkit.ForkedServer.CliResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's broadcast benchmark at a small N against a real forked server: every phase runs to the end and
 * delivers to every recipient (the figures themselves are for the README, not for CI on a shared machine).
 */
class BroadcastBenchIT {
    @TempDir
    Path tmp;

    @Test
    void theBenchmarkRunsEveryPathAtASmallN() throws Exception {
        try (ForkedServer server = ForkedServer.start(tmp.resolve("data"), Map.of("civicmail.broadcast.port", "0"))) {
            CliResult r = server.cli(null, "bench", "broadcast", "--recipients", "300", "--personalised", "60",
                "--signing-keys", "ec-p256,rsa-2048", "--stock", "20");
            assertThat(r.exitCode()).as(r.err()).isZero();
            String out = r.out();
            assertThat(out).contains("created 300 bench citizens")
                .containsPattern("notice \\(sign once, store directly\\): 300 delivered, 0 failed in [0-9.]+ s = [0-9,]+ messages/s "
                    + "\\(validate [0-9.]+ s, store job [0-9.]+ s, deliver [0-9.]+ s\\)")
                .contains("personalised bills (signed one by one, EC P-256): 60 delivered, 0 failed")
                .contains("personalised bills (signed one by one, RSA-2048): 60 delivered, 0 failed")
                .containsPattern("stock path \\(SMTP \\+ James mailet pipeline\\): 20 messages accepted in [0-9.]+ s, all in INBOX")
                .contains("heap at end");
            // Indexing is part of delivery: after each of the three broadcasts nothing is left for the index to catch up.
            Matcher indexed = Pattern.compile("search index: nothing left to index after the broadcast").matcher(out);
            int broadcasts = 0;
            while (indexed.find()) {
                broadcasts++;
            }
            assertThat(broadcasts).as(out).isEqualTo(3);
        }
    }

    @Test
    void anUnknownSigningKeyIsRefusedBeforeAnythingIsCreated() throws Exception {
        CliResult r = ForkedServer.runCli(tmp.resolve("none"), null, "bench", "broadcast", "--recipients", "10", "--signing-keys", "dsa");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--signing-keys 'dsa' is not a key algorithm: use ec-p256 (default), rsa-3072 or rsa-2048");
    }
}

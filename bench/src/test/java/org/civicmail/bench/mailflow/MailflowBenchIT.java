package org.civicmail.bench.mailflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.civicmail.testkit.ForkedServer;
import org.civicmail.testkit.ForkedServer.CliResult;
import org.civicmail.testkit.OfflineCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's mail-flow benchmark at a small N: it forks its own server, creates the mailboxes, runs both workloads
 * and finds every message in its mailbox over IMAP (the figures are for the README, not for CI on a shared machine).
 */
class MailflowBenchIT {
    @TempDir
    Path tmp;

    @Test
    void bothWorkloadsDeliverEveryMessageAtASmallN() throws Exception {
        Path scratch = tmp.resolve("scratch");
        CliResult r = ForkedServer.runCli(tmp.resolve("unused"), null, "bench", "mailflow", "--conf", ForkedServer.CONF.toString(),
            "--data", scratch.toString(), "--mailboxes", "8", "--messages", "40", "--concurrency", "4", "--senders", "2",
            "--no-webmail");
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out())
            .contains("created 8 citizen mailboxes and 2 official senders")
            .containsPattern("civicmail inbound: [0-9,]+ msg/s to the last stored message")
            .containsPattern("civicmail submission \\(signed\\): [0-9,]+ msg/s to the last stored message")
            .containsPattern("RESULT civicmail peak-rss-mib=[1-9][0-9]*")
            .containsPattern("stop after SIGTERM: [0-9.]+ s");
        assertThat(Files.readString(scratch.resolve("bench-server.err"))).doesNotContain("Exception");
    }

    @Test
    void aDataDirectoryInUseIsRefused() throws Exception {
        // The benchmark creates a thousand mailboxes: never in a real installation's data directory.
        Path used = Files.createDirectories(tmp.resolve("used"));
        Files.writeString(used.resolve("something"), "x");
        // The CLI's own code in this JVM (a refusal needs no JVM start of its own; the run above is the README's).
        CliResult r = OfflineCli.run(tmp.resolve("unused"), "bench", "mailflow", "--conf", ForkedServer.CONF.toString(),
            "--data", used.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--data " + used + " is not empty; the benchmark creates mailboxes there, "
            + "so give it an empty or absent scratch directory");
    }
}

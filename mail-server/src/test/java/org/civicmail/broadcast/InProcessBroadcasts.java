package org.civicmail.broadcast;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Map;
import java.util.SortedMap;

import org.apache.james.mailbox.exception.MailboxException;
import org.civicmail.broadcast.delivery.DeliveryInterceptor;
import org.civicmail.broadcast.delivery.MailboxDelivery;
import org.civicmail.broadcast.store.Outcome;
import org.civicmail.cli.InProcessCli;
import org.civicmail.server.CivicMailServer;
import org.civicmail.server.DataDirectory;
import org.civicmail.server.StartOptions;
import org.civicmail.config.CivicMailConfig;
import org.civicmail.testkit.TestIds;

/**
 * The server in this JVM with a test's {@link DeliveryInterceptor} around the broadcasts' storage, for the ITs that
 * must act at a batch's commit (fail it, or revoke right then); commands run as the admin API runs them.
 */
final class InProcessBroadcasts {
    static final String CITIZENS = "citizen.hangzhou.example";

    private InProcessBroadcasts() {
    }

    static CivicMailServer start(Path dir, int batchSize, DeliveryInterceptor seam) throws Exception {
        CivicMailConfig config = CivicMailConfig.load(Path.of("..", "conf"), Map.of(CivicMailConfig.BROADCAST_BATCH, String.valueOf(batchSize)));
        return CivicMailServer.start(config, new DataDirectory(dir.resolve("data")), new StartOptions(false, true),
            binder -> binder.bind(DeliveryInterceptor.class).toInstance(seam));
    }

    /** Runs a command; its exit code must be {@code expectedExit}. */
    static InProcessCli.Result cli(CivicMailServer server, Path dir, int expectedExit, String stdin, String... args) {
        InProcessCli.Result r = InProcessCli.run(server, dir, stdin, args);
        assertThat(r.exitCode()).as(String.join(" ", args) + ": " + r.out() + r.err()).isEqualTo(expectedExit);
        return r;
    }

    /** Citizens {@code prefix}0..n-1 at {@link #CITIZENS}, tagged 全市; ID numbers from 14 digits {@code idBase}. */
    static void importCitizens(CivicMailServer server, Path dir, String prefix, int n, String idBase) throws Exception {
        StringBuilder csv = new StringBuilder("class,address,name,id-number,tags,password\n");
        for (int i = 0; i < n; i++) {
            csv.append("citizen,").append(prefix).append(i).append('@').append(CITIZENS).append(",市民").append(i).append(',')
                .append(TestIds.residentId(idBase + String.format("%03d", 100 + i))).append(",全市,citizen-pw-1\n");
        }
        cli(server, dir, 0, null, "account", "import",
            Files.writeString(dir.resolve(prefix + "-citizens.csv"), csv.toString(), StandardCharsets.UTF_8).toString());
    }

    /** The broadcast id that {@code broadcast send} printed. */
    static String broadcastId(InProcessCli.Result sent) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("broadcast (\\d{8}-[0-9a-f]{8})").matcher(sent.out());
        assertThat(m.find()).as(sent.out()).isTrue();
        return m.group(1);
    }

    /** A delivery that passes everything on to the server's; a test overrides {@code deliver}. */
    abstract static class Forwarding implements MailboxDelivery {
        final MailboxDelivery chosen;

        Forwarding(MailboxDelivery chosen) {
            this.chosen = chosen;
        }

        @Override
        public SortedMap<Integer, Outcome> settle(String broadcastId, int afterSeq, int limit) throws SQLException, MailboxException {
            return chosen.settle(broadcastId, afterSeq, limit);
        }

        @Override
        public void recorded(String broadcastId, java.util.Collection<Integer> seqs) throws SQLException {
            chosen.recorded(broadcastId, seqs);
        }

        @Override
        public void finished(String broadcastId) throws SQLException {
            chosen.finished(broadcastId);
        }

        @Override
        public String describe() {
            return chosen.describe();
        }
    }
}

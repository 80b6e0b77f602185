package org.civicmail.broadcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.civicmail.broadcast.BroadcastFixture.CITIZENS;
import static org.civicmail.broadcast.BroadcastFixture.OFFICIALS;
import static org.civicmail.broadcast.BroadcastFixture.PASSWORD;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.civicmail.testkit.CivicMailExtension;
import org.civicmail.testkit.DatabasesAtRest;
import org.civicmail.testkit.ForkedServer.CliResult;
import org.civicmail.testkit.ImapDialog;
import org.civicmail.testkit.MailClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13 point 3: James's mailbox tables are not what the batch writer was written for (here JAMES_MAIL has a
 * column it does not know, as a newer James would add). The server
 * must say so once, fall back to James's own MailboxManager, and still deliver, announce and index every notice.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SchemaFallbackIT {
    static final String AGENCY = "env-bureau@" + OFFICIALS;

    @RegisterExtension
    static final CivicMailExtension server = new CivicMailExtension();
    @TempDir
    static Path tmp;

    @Test
    void aMismatchedSchemaFallsBackWithOneWarningAndTheBroadcastStillDelivers() throws Exception {
        BroadcastFixture f = new BroadcastFixture(server, tmp);
        f.official(AGENCY, "杭州市生态环境局", true);
        f.citizens("citizens.csv", List.of(new String[] {"env1", "萧山区"}, new String[] {"env2", "萧山区"}), "330109199104041");
        server.stop();
        // What an upgrade of James could leave behind: a column the writer would leave empty.
        try (DatabasesAtRest james = DatabasesAtRest.of(server.data())) {
            james.jamesUpdate("ALTER TABLE JAMES_MAIL ADD COLUMN MAIL_SAVE_DATE TIMESTAMP");
        }
        server.start();
        // The warning is given at start, once, naming what differs.
        server.awaitOutput(l -> l.contains("broadcasts are stored through James's MailboxManager API"), java.time.Duration.ofSeconds(60));

        Path template = Files.writeString(tmp.resolve("notice.txt"), "Subject: 空气质量提示\n\n明日空气质量 airquality2026 较差。\n",
            StandardCharsets.UTF_8);
        CliResult r = server.cli(null, "broadcast", "send", "--from", AGENCY, "--kind", "policy-notice", "--template", template.toString(),
            "--to", "tag:萧山区");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("finished: 2 delivered, 0 failed");
        for (String citizen : List.of("env1", "env2")) {
            try (ImapDialog d = ImapDialog.login(MailClient.trusting(server.data()), server.port("imaps"), citizen + "@" + CITIZENS, PASSWORD)) {
                d.command("SELECT " + ImapDialog.folder("通知"));
                assertThat(d.command("UID SEARCH TEXT airquality2026")).as(citizen).contains("* SEARCH 1");
                assertThat(d.command("LSUB \"\" *")).as(citizen + ": the folder is subscribed").anyMatch(l -> l.contains(ImapDialog.folder("通知")));
            }
        }
        List<String> warnings = server.output().stream().filter(l -> l.contains("is not the one the broadcast writer was written for"))
            .toList();
        assertThat(warnings).hasSize(1);
        assertThat(warnings.get(0)).contains("column JAMES_MAIL.MAIL_SAVE_DATE is unknown to the writer");
    }
}

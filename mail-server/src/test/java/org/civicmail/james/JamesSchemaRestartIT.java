package org.civicmail.james;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.civicmail.testkit.CivicMailExtension;
import org.civicmail.testkit.ForkedServer;
import org.junit.jupiter.api.Test;

/**
 * A restart leaves James's schema as our additions made it: no DDL at start, so no trigger is recompiled and the
 * start has nothing to warm up beside the first deliveries of queued mail.
 *
 * <p>Why: OpenJPA's schema synchronisation ({@code buildSchema(ForeignKeys=true)}) re-added, at the first restart,
 * the three ON DELETE CASCADE keys that migration 3 replaces by row-locking triggers. That brought Derby's
 * table-locking cascades back (issue 18's EXPUNGE/MOVE lock cycles), and its ALTER TABLEs invalidated our triggers:
 * the warm-up recompiling them then met the deliveries of mail queued before a crash in a lock cycle Derby broke only
 * after its 20 s deadlock timeout (DurabilityIT, StopUnderLoadIT).
 */
class JamesSchemaRestartIT {

    /** One server, three starts: the first makes the schema, the second repairs an older build's, the third is plain. */
    @Test
    void aRestartRecompilesNoTriggerAndAnOlderBuildsCascadesAreDroppedAgain() throws Exception {
        try (CivicMailExtension server = CivicMailExtension.started(getClass(), Map.of(), ForkedServer.CONF)) {
            server.stop();
            // What a restart under buildSchema(ForeignKeys=true) left: the keys OpenJPA added, at schema version 4.
            String url = "jdbc:derby:" + server.data().resolve("derby").resolve("james").toAbsolutePath();
            try (Connection c = DriverManager.getConnection(url, "app", "app"); Statement s = c.createStatement()) {
                s.execute("ALTER TABLE JAMES_MAIL ADD FOREIGN KEY (MAILBOX_ID) REFERENCES JAMES_MAILBOX (MAILBOX_ID) "
                    + "ON DELETE CASCADE");
                s.execute("ALTER TABLE JAMES_MAIL_PROPERTY ADD FOREIGN KEY (MAILBOX_ID, MAIL_UID) "
                    + "REFERENCES JAMES_MAIL (MAILBOX_ID, MAIL_UID) ON DELETE CASCADE");
                s.execute("ALTER TABLE JAMES_MAIL_USERFLAG ADD FOREIGN KEY (MAILBOX_ID, MAIL_UID) "
                    + "REFERENCES JAMES_MAIL (MAILBOX_ID, MAIL_UID) ON DELETE CASCADE");
                s.execute("DELETE FROM CM_SCHEMA_VERSION WHERE SCHEMA_NAME = 'james-indexes' AND VERSION = 5");
                assertThat(cascadingKeys(c)).hasSize(3);
            }
            shutDown(url);

            server.start();

            try (Connection c = jamesDatabase(server).connection()) {
                assertThat(cascadingKeys(c)).as("cascading keys after migration 5").isEmpty();
                assertThat(TriggerWarmUp.invalidTriggers(c)).isEmpty();
                // The row-locking replacements are still there: the trigger per cascade and the index it deletes by.
                assertThat(triggerNames(c)).containsAll(RowLockingCascades.JAMES.stream().map(RowLockingCascades.Cascade::trigger).toList());
                for (RowLockingCascades.Cascade cascade : RowLockingCascades.JAMES) {
                    if (cascade.index() != null) {
                        assertThat(indexExists(c, cascade.index())).as(cascade.index()).isTrue();
                    }
                }
            }

            server.stop();
            Timestamp restartBegan = new Timestamp(System.currentTimeMillis());
            server.start();

            try (Connection c = jamesDatabase(server).connection()) {
                assertThat(triggersCompiledSince(c, restartBegan)).as("triggers recompiled by a plain restart").isEmpty();
                assertThat(cascadingKeys(c)).as("ON DELETE CASCADE keys on James's message tables after a restart").isEmpty();
                assertThat(TriggerWarmUp.invalidTriggers(c)).isEmpty();
            }
        }
    }

    private static JamesDatabase jamesDatabase(CivicMailExtension server) {
        return server.server().service(JamesDatabase.class);
    }

    private static List<String> cascadingKeys(Connection c) throws SQLException {
        List<String> keys = new ArrayList<>();
        for (RowLockingCascades.Cascade cascade : RowLockingCascades.JAMES) {
            keys.addAll(RowLockingCascades.cascadingKeys(c.getMetaData(), cascade));
        }
        return keys;
    }

    private static List<String> triggersCompiledSince(Connection c, Timestamp since) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT t.TRIGGERNAME, st.LASTCOMPILED "
            + "FROM SYS.SYSTRIGGERS t JOIN SYS.SYSSTATEMENTS st ON t.ACTIONSTMTID = st.STMTID")) {
            while (rs.next()) {
                Timestamp compiled = rs.getTimestamp(2);
                if (compiled == null || !compiled.before(since)) {
                    names.add(rs.getString(1));
                }
            }
        }
        return names;
    }

    private static List<String> triggerNames(Connection c) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT TRIGGERNAME FROM SYS.SYSTRIGGERS")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }

    private static boolean indexExists(Connection c, String index) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
            "SELECT 1 FROM SYS.SYSCONGLOMERATES WHERE ISINDEX AND CONGLOMERATENAME = '" + index + "'")) {
            return rs.next();
        }
    }

    private static void shutDown(String url) {
        try {
            DriverManager.getConnection(url + ";shutdown=true").close();
            throw new IllegalStateException("Derby did not shut down " + url);
        } catch (SQLException e) {
            assertThat(e.getSQLState()).as("Derby's answer to a shutdown").isEqualTo("08006");
        }
    }
}

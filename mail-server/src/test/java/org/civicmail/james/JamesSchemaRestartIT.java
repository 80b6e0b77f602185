package org.civicmail.james;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
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
 * after its 20 s deadlock timeout (DurabilityIT, StopUnderLoadIT). Migration 5, which drops keys re-added that way,
 * is SchemaVersionsTest's.
 */
class JamesSchemaRestartIT {

    @Test
    void aRestartRecompilesNoTriggerAndBringsNoCascadeBack() throws Exception {
        try (CivicMailExtension server = CivicMailExtension.started(getClass(), Map.of(), ForkedServer.CONF)) {
            server.stop();
            Timestamp restartBegan = new Timestamp(System.currentTimeMillis());
            server.start();

            try (Connection c = jamesDatabase(server).connection()) {
                assertThat(triggersCompiledSince(c, restartBegan)).as("triggers recompiled by the restart").isEmpty();
                assertThat(cascadingKeys(c)).as("ON DELETE CASCADE keys on James's message tables after a restart").isEmpty();
                assertThat(TriggerWarmUp.invalidTriggers(c)).isEmpty();
                // The row-locking replacements made at the first start are there: a trigger per cascade.
                assertThat(triggerNames(c)).containsAll(RowLockingCascades.JAMES.stream().map(RowLockingCascades.Cascade::trigger).toList());
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
}

package org.civicmail.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Triggers stay compiled while the server runs. Derby's automatic index statistics invalidate the triggers of a table
 * whose statistics they refresh, and two transactions that then fire such a trigger at once both recompile it and
 * deadlock on SYS.SYSDEPENDS: that failed concurrent first IMAP logins after a broadcast in CI (INBOX rows fire
 * CM_MAILBOX_COUNTER_NEW) and expunges under imaptest (CM_DELETE_*). The server's Derby settings turn them off.
 */
class DerbyTriggerValidityTest {
    @TempDir
    Path tmp;

    /** configureDerby sets JVM-wide properties; other tests in this JVM get theirs back. */
    private final Properties before = (Properties) System.getProperties().clone();

    @AfterEach
    void restore() {
        System.setProperties(before);
    }

    @Test
    void growingTableKeepsItsTriggerCompiledUnderTheServersDerbySettings() throws Exception {
        // Control, with Derby's default (statistics on): the same growth invalidates the trigger. It shows the
        // workload below is enough to make Derby refresh statistics, so the second half can fail.
        System.clearProperty("derby.storage.indexStats.auto");
        long started;
        try (Connection control = database("control")) {
            grow(control);
            started = System.nanoTime();
            await("Derby's statistics daemon invalidates the trigger").atMost(Duration.ofSeconds(60))
                .until(() -> {
                    plan(control);
                    return !triggerValid(control);
                });
        }
        // The server's settings must keep the trigger compiled for well longer than the daemon took above.
        Duration tookControl = Duration.ofNanos(System.nanoTime() - started);
        Duration window = Duration.ofNanos(Math.max(3 * tookControl.toNanos(), Duration.ofSeconds(2).toNanos()));

        CivicMailServer.configureDerby(new DataDirectory(tmp.resolve("data")));
        try (Connection ours = database("ours")) {
            grow(ours);
            await("the trigger stays compiled while the grown table is queried").during(window)
                .atMost(window.plusSeconds(30))
                .until(() -> {
                    plan(ours);
                    return triggerValid(ours);
                });
            assertThat(statisticsRows(ours)).as("statistics written by the daemon").isZero();
        }
    }

    /** A table with a row trigger like our CM_MAILBOX_COUNTER_NEW, fired once, then grown well past Derby's threshold. */
    private Connection database(String name) throws SQLException {
        Connection c = DriverManager.getConnection("jdbc:derby:" + tmp.resolve(name) + ";create=true");
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE FOLDER (ID BIGINT PRIMARY KEY, OWNER VARCHAR(64))");
            s.execute("CREATE TABLE COUNTER (ID BIGINT PRIMARY KEY, N BIGINT)");
            s.execute("CREATE INDEX FOLDER_OWNER ON FOLDER (OWNER)");
            s.execute("CREATE TRIGGER FOLDER_NEW AFTER INSERT ON FOLDER REFERENCING NEW AS F FOR EACH ROW "
                + "INSERT INTO COUNTER VALUES (F.ID, 0)");
            s.execute("INSERT INTO FOLDER VALUES (0, 'first')");
        }
        assertThat(triggerValid(c)).isTrue();
        return c;
    }

    private static void grow(Connection c) throws SQLException {
        c.setAutoCommit(false);
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO FOLDER VALUES (?, ?)")) {
            for (int i = 1; i <= 5000; i++) {
                insert.setLong(1, i);
                insert.setString(2, "citizen" + i % 400);
                insert.executeUpdate();
            }
        }
        c.commit();
        c.setAutoCommit(true);
    }

    /** Compiling a query on the table is when Derby compares its row estimate with the statistics. */
    private static void plan(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM FOLDER WHERE OWNER = 'citizen" + System.nanoTime() % 400 + "'")) {
            rs.next();
        }
    }

    private static boolean triggerValid(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT st.VALID FROM SYS.SYSTRIGGERS t "
            + "JOIN SYS.SYSSTATEMENTS st ON t.ACTIONSTMTID = st.STMTID WHERE t.TRIGGERNAME = 'FOLDER_NEW'")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    private static long statisticsRows(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM SYS.SYSSTATISTICS")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}

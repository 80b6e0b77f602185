package org.civicmail.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link CivicDatabase#inTransaction}: all of the work is stored, or none of it, whichever way it fails; and its pooled
 * connections: reused, and nothing one user did is visible to or done by the next.
 */
class CivicDatabaseTransactionTest {
    @TempDir
    Path dir;
    CivicDatabase db;

    @BeforeEach
    void table() throws Exception {
        db = new CivicDatabase(new DataDirectory(dir));
        try (Connection c = db.connection(); Statement s = c.createStatement()) {
            s.executeUpdate("CREATE TABLE T (V INT PRIMARY KEY)");
        }
    }

    @AfterEach
    void shutdown() throws SQLException {
        db.close();
        DerbyShutdown.shutdown(db.location());
    }

    @Test
    void workThatReturnsIsCommitted() throws Exception {
        db.inTransaction("cannot insert", c -> insert(c, 1, 2));
        assertThat(count()).isEqualTo(2);
    }

    @Test
    void aFailedStatementRollsBackWhatCameBeforeAndIsReportedWithTheJob() throws Exception {
        // The second row repeats the first's key: the first row must not stay behind.
        assertThatThrownBy(() -> db.inTransaction("cannot record outcomes of broadcast bc-1", c -> insert(c, 1, 1)))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageStartingWith("cannot record outcomes of broadcast bc-1: ")
            .hasCauseInstanceOf(SQLException.class);
        assertThat(count()).isZero();
    }

    @Test
    void aRuntimeFailureRollsBackAndIsRethrownAsItIs() throws Exception {
        IllegalArgumentException bug = new IllegalArgumentException("a recipient without an address");
        assertThatThrownBy(() -> db.inTransaction("cannot store broadcast bc-2", c -> {
            insert(c, 1);
            throw bug;
        })).isSameAs(bug);
        assertThat(count()).isZero();
    }

    @Test
    void aConnectionIsReusedRatherThanOpenedAgain() throws Exception {
        assertThat(count()).isZero();
        assertThat(db.idleConnections()).isEqualTo(1);
        try (Connection c = db.connection()) {
            assertThat(db.idleConnections()).isZero();
        }
        assertThat(db.idleConnections()).isEqualTo(1);
    }

    @Test
    void workLeftUncommittedIsRolledBackNotCommittedByTheNextUser() throws Exception {
        // Attack: a caller that returns its connection mid-transaction leaves rows (and locks) for whoever borrows
        // it next, whose commit would store them.
        try (Connection c = db.connection(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.executeUpdate("INSERT INTO T VALUES (1)");
        }
        try (Connection next = db.connection(); Statement s = next.createStatement()) {
            assertThat(next.getAutoCommit()).isTrue();
            s.executeUpdate("INSERT INTO T VALUES (2)");
        }
        assertThat(count()).isEqualTo(1);
    }

    @Test
    void anotherIsolationLevelIsResetForTheNextUser() throws Exception {
        try (Connection c = db.connection()) {
            c.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
        }
        try (Connection next = db.connection()) {
            assertThat(next.getTransactionIsolation()).isEqualTo(Connection.TRANSACTION_READ_COMMITTED);
        }
    }

    @Test
    void pooledConnectionsOfADatabaseShutDownAreReplacedWhenItBootsAgain() throws Exception {
        try (Connection c = db.connection(); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO T VALUES (1)");
        }
        assertThat(db.idleConnections()).isEqualTo(1);
        DerbyShutdown.shutdown(db.location());
        assertThat(count()).isEqualTo(1);
    }

    private static void insert(Connection c, int... values) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (int v : values) {
                s.executeUpdate("INSERT INTO T VALUES (" + v + ")");
            }
        }
    }

    private long count() throws SQLException {
        try (Connection c = db.connection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM T")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}

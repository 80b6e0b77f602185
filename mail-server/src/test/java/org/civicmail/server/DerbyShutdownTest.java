package org.civicmail.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import org.apache.derby.jdbc.EmbeddedDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DerbyShutdownTest {
    @TempDir
    Path dir;

    private static Connection open(Path db) throws SQLException {
        EmbeddedDataSource ds = new EmbeddedDataSource();
        ds.setDatabaseName(db.toString());
        ds.setCreateDatabase("create");
        return ds.getConnection();
    }

    @Test
    void shutsDownOnlyThatDatabaseAndItsDataIsThereAfterTheNextBoot() throws Exception {
        Path stopped = dir.resolve("stopped");
        Path other = dir.resolve("other");
        try (Connection a = open(stopped); Connection b = open(other)) {
            try (Statement s = a.createStatement()) {
                s.executeUpdate("CREATE TABLE T (V INT)");
                s.executeUpdate("INSERT INTO T VALUES (42)");
            }

            DerbyShutdown.shutdown(stopped.toString());

            // The stopped database's connections are gone; the other database (another server in this JVM) is untouched.
            assertThatThrownBy(() -> a.createStatement().executeQuery("SELECT V FROM T")).isInstanceOf(SQLException.class);
            try (Statement s = b.createStatement(); ResultSet rs = s.executeQuery("VALUES 1")) {
                assertThat(rs.next()).isTrue();
            }
        }
        try (Connection again = open(stopped); Statement s = again.createStatement(); ResultSet rs = s.executeQuery("SELECT V FROM T")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(42);
        }
        DerbyShutdown.shutdown(stopped.toString());
        DerbyShutdown.shutdown(other.toString());
    }

    @Test
    void aDatabaseThatIsNotOpenIsLeftAlone() {
        // A start that failed before a database was opened still runs every close.
        assertThatCode(() -> DerbyShutdown.shutdown(dir.resolve("never-created").toString())).doesNotThrowAnyException();
        assertThat(Files.exists(dir.resolve("never-created"))).isFalse();
    }
}

package org.civicmail.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;

import org.apache.derby.jdbc.EmbeddedDataSource;
import org.civicmail.config.CivicMailConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A migration that fails at start stops the start with a message naming the schema and migration, version kept. */
class SchemaMigrationFailureIT {
    @TempDir
    Path dir;

    @Test
    void failingMigrationStopsTheStartAndKeepsTheVersion() throws Exception {
        DataDirectory data = new DataDirectory(dir.resolve("data"));
        data.create();
        EmbeddedDataSource civic = new EmbeddedDataSource();
        civic.setDatabaseName(data.civicDerby().toAbsolutePath().toString());
        civic.setCreateDatabase("create");
        // A view where the accounts table belongs: not the accounts layout, so migration 1 runs and its CREATE fails.
        try (Connection c = civic.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE VIEW CM_ACCOUNT AS SELECT 1 AS X FROM SYSIBM.SYSDUMMY1");
        }
        CivicMailConfig config = CivicMailConfig.load(Path.of("..", "conf"), Map.of());

        assertThatThrownBy(() -> CivicMailServer.start(config, data, new StartOptions(false, true)).close())
            .isInstanceOf(ServerStartException.class)
            .hasMessageStartingWith("CivicMail could not start: schema 'accounts' in " + data.civicDerby().toAbsolutePath()
                + ": migration 1 (accounts) failed: ")
            .hasMessageContaining("CM_ACCOUNT")
            .hasMessageContaining("The database stays at version 0 and nothing of migration 1 was kept; remove the cause "
                + "and start again");

        try (Connection c = civic.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM CM_SCHEMA_VERSION WHERE SCHEMA_NAME = 'accounts'")) {
            rs.next();
            assertThat(rs.getInt(1)).as("no version recorded for the failed migration").isZero();
        }
        try (Connection c = civic.getConnection();
             ResultSet rs = c.getMetaData().getIndexInfo(null, null, "CM_ACCOUNT", false, false)) {
            assertThat(rs.next()).as("none of the failed migration's indexes").isFalse();
        }
    }
}

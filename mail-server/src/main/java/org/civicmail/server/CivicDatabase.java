package org.civicmail.server;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

import org.apache.derby.jdbc.EmbeddedDataSource;

/**
 * CivicMail's own embedded Derby database ({@code DATA/derby/civicmail}): accounts, certificates, broadcasts.
 * Kept apart from James's JPA database so our schema evolves without touching James's tables.
 */
public final class CivicDatabase {
    private final EmbeddedDataSource dataSource;

    public CivicDatabase(DataDirectory data) {
        dataSource = new EmbeddedDataSource();
        dataSource.setDatabaseName(data.civicDerby().toAbsolutePath().toString());
        dataSource.setCreateDatabase("create");
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public Connection connection() throws SQLException {
        return dataSource.getConnection();
    }

    /** Runs a CREATE statement unless the object exists already (Derby has no IF NOT EXISTS). */
    public static void createIfMissing(Connection c, String ddl) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(ddl);
        } catch (SQLException e) {
            if (!"X0Y32".equals(e.getSQLState())) {
                throw e;
            }
        }
    }

    /** Drops the index if it exists (an index an earlier version created); true if it was there. */
    public static boolean dropIndexIfPresent(Connection c, String index) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("DROP INDEX " + index);
            return true;
        } catch (SQLException e) {
            if (!"42X65".equals(e.getSQLState())) {
                throw e;
            }
            return false;
        }
    }
}

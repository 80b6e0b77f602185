package org.civicmail.testkit;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.SQLException;

import org.apache.derby.jdbc.EmbeddedDataSource;
import org.civicmail.server.DataDirectory;

/**
 * The Derby databases of a server that is not running (stopped, or killed with {@code kill -9}), opened in the test's
 * JVM to read the state its next start will find, instead of what it logged. Opening one runs Derby's crash recovery,
 * as the next start would; {@link #close} shuts each database down cleanly so that the server can boot it again.
 */
public final class DatabasesAtRest implements AutoCloseable {
    private final EmbeddedDataSource civic;
    private final EmbeddedDataSource james;

    private DatabasesAtRest(DataDirectory data) {
        // As the server opens them (CivicMailServer.configureDerby): files owner-only, no statistics daemon.
        System.setProperty("derby.storage.useDefaultFilePermissions", "false");
        System.setProperty("derby.storage.indexStats.auto", "false");
        if (System.getProperty("derby.stream.error.file") == null) {
            System.setProperty("derby.stream.error.file", Path.of("target", "derby-at-rest.log").toAbsolutePath().toString());
        }
        civic = source(data.civicDerby(), null);
        james = source(data.jamesDerby(), "app");
    }

    /** The databases of the stopped server whose data directory is {@code data}. */
    public static DatabasesAtRest of(Path data) {
        return new DatabasesAtRest(new DataDirectory(data));
    }

    /** The one number {@code sql} (e.g. a {@code COUNT(*)}) answers in CivicMail's database (accounts, broadcasts). */
    public long civicNumber(String sql, Object... args) throws SQLException {
        return Long.parseLong(value(civic, sql, args));
    }

    /** The one value {@code sql} answers in CivicMail's database. */
    public String civicValue(String sql, Object... args) throws SQLException {
        return value(civic, sql, args);
    }

    /** The one number {@code sql} answers in James's database (mailboxes, our broadcast delivery journal). */
    public long jamesNumber(String sql, Object... args) throws SQLException {
        return Long.parseLong(value(james, sql, args));
    }

    /** Runs {@code sql} (DDL or an update) in James's database, as an upgrade of James could change it. */
    public void jamesUpdate(String sql) throws SQLException {
        try (Connection c = james.getConnection(); Statement st = c.createStatement()) {
            st.executeUpdate(sql);
        }
    }

    private static String value(EmbeddedDataSource db, String sql, Object... args) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("no row for " + sql + " in " + db.getDatabaseName());
                }
                return rs.getString(1);
            }
        }
    }

    @Override
    public void close() throws SQLException {
        try {
            shutdown(civic);
        } finally {
            shutdown(james);
        }
    }

    private static EmbeddedDataSource source(Path location, String user) {
        EmbeddedDataSource ds = new EmbeddedDataSource();
        ds.setDatabaseName(location.toAbsolutePath().toString());
        if (user != null) {
            ds.setUser(user);
        }
        return ds;
    }

    /** Derby answers a successful shutdown with SQLState 08006; XJ004: it was never booted here. */
    private static void shutdown(EmbeddedDataSource db) throws SQLException {
        EmbeddedDataSource stop = source(Path.of(db.getDatabaseName()), db.getUser());
        stop.setShutdownDatabase("shutdown");
        try (Connection ignored = stop.getConnection()) {
            throw new IllegalStateException("Derby did not shut down " + db.getDatabaseName());
        } catch (SQLException e) {
            if (!"08006".equals(e.getSQLState()) && !"XJ004".equals(e.getSQLState())) {
                throw e;
            }
        }
    }
}

package org.civicmail.server;

import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

import org.apache.derby.jdbc.EmbeddedDataSource;

/**
 * CivicMail's own embedded Derby database ({@code DATA/derby/civicmail}): accounts, certificates, broadcasts.
 * Kept apart from James's JPA database so our schema evolves without touching James's tables. Each store brings its
 * own tables to the current version when it is made ({@link org.civicmail.schema.Schema}).
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

    /** Work on one connection, inside a transaction {@link #inTransaction} opens. */
    @FunctionalInterface
    public interface Work {
        void run(Connection c) throws Exception;
    }

    /**
     * Runs {@code work} as one transaction: committed when it returns, rolled back when it throws, so all of it is
     * stored or none of it. A checked failure becomes an {@link IllegalStateException} reading {@code failure} (what
     * could not be done, naming the job), a colon and the cause's message; a runtime one is rethrown as it is.
     */
    public void inTransaction(String failure, Work work) {
        try (Connection c = connection()) {
            c.setAutoCommit(false);
            try {
                work.run(c);
                c.commit();
            } catch (Exception e) {
                rollback(c, e);
                throw e;
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(failure + ": " + e.getMessage(), e);
        }
    }

    /** Rolls back; a failure to do so is kept with {@code cause}, which is what the caller reports. */
    private static void rollback(Connection c, Exception cause) {
        try {
            c.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    /** The database's directory, for messages. */
    public String location() {
        return dataSource.getDatabaseName();
    }

    @Override
    public String toString() {
        return location();
    }
}

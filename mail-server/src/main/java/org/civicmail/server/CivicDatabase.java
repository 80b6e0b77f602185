package org.civicmail.server;

import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

import org.apache.commons.dbcp2.DataSourceConnectionFactory;
import org.apache.commons.dbcp2.PoolableConnection;
import org.apache.commons.dbcp2.PoolableConnectionFactory;
import org.apache.commons.dbcp2.PoolingDataSource;
import org.apache.commons.pool2.impl.GenericObjectPool;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.apache.derby.jdbc.EmbeddedDataSource;

/**
 * CivicMail's own embedded Derby database ({@code DATA/derby/civicmail}): accounts, certificates, broadcasts.
 * Kept apart from James's JPA database so our schema evolves without touching James's tables. Each store brings its
 * own tables to the current version when it is made ({@link org.civicmail.schema.Schema}).
 *
 * <p>Connections come from a pool (commons-dbcp2, James's own dependency): every SMTP transaction looks accounts up
 * in the hooks and mailets, and opening an embedded Derby connection for each query (a new language context, its
 * statements prepared again) was most of what those look-ups cost (JFR of the mail-flow benchmark, README "Everyday
 * mail beside Postfix"). A connection given back is rolled back if it was left in a transaction and reset to
 * auto-commit and Derby's default isolation, so what one user did never leaks into the next. The pool is not
 * bounded (a caller holding one connection while it asks for another cannot wait on itself); it keeps at most
 * {@link #IDLE} idle ones. A connection closed underneath it (Derby shut down) is found closed when borrowed and
 * replaced, so a database that is shut down and booted again keeps working.
 */
public final class CivicDatabase {
    /** Idle connections kept: the SMTP handler and spooler threads that look accounts up at the same moment. */
    static final int IDLE = 16;
    /** Prepared statements kept per pooled connection (the look-ups' SQL is fixed; bounded for the dynamic ones). */
    private static final int STATEMENTS = 32;

    private final EmbeddedDataSource derby;
    private final GenericObjectPool<PoolableConnection> pool;
    private final PoolingDataSource<PoolableConnection> dataSource;

    public CivicDatabase(DataDirectory data) {
        derby = new EmbeddedDataSource();
        derby.setDatabaseName(data.civicDerby().toAbsolutePath().toString());
        derby.setCreateDatabase("create");
        PoolableConnectionFactory factory = new PoolableConnectionFactory(new DataSourceConnectionFactory(derby), null);
        factory.setDefaultAutoCommit(true);
        factory.setDefaultTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
        factory.setRollbackOnReturn(true);
        factory.setPoolStatements(true);
        factory.setMaxOpenPreparedStatements(STATEMENTS);
        GenericObjectPoolConfig<PoolableConnection> config = new GenericObjectPoolConfig<>();
        config.setMaxTotal(-1);
        config.setMaxIdle(IDLE);
        // Derby's embedded isValid only asks whether the connection is closed: cheap, and it catches a shut-down database.
        config.setTestOnBorrow(true);
        config.setJmxEnabled(false);
        pool = new GenericObjectPool<>(factory, config);
        factory.setPool(pool);
        dataSource = new PoolingDataSource<>(pool);
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

    /** Connections in the pool waiting to be lent (for tests). */
    int idleConnections() {
        return pool.getNumIdle();
    }

    /** Closes the idle connections and stops lending new ones; call before Derby's shutdown. */
    public void close() {
        pool.close();
    }

    /** The database's directory, for messages. */
    public String location() {
        return derby.getDatabaseName();
    }

    @Override
    public String toString() {
        return location();
    }
}

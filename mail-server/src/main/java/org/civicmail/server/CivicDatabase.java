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

    /** The database's directory, for messages. */
    public String location() {
        return dataSource.getDatabaseName();
    }

    @Override
    public String toString() {
        return location();
    }
}

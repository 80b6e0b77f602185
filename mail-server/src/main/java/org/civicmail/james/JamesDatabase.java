package org.civicmail.james;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

import org.apache.derby.jdbc.EmbeddedDataSource;

/**
 * Plain JDBC connections to James's embedded Derby database ({@code DATA/derby/james}), for the few things we do
 * below James's JPA layer (schema additions, the broadcast batch writer and its journal). Same JVM as OpenJPA, so
 * embedded Derby shares the open database; user {@code app} as in {@code james-database.properties}, which makes
 * APP the default schema, where OpenJPA created James's tables.
 */
public final class JamesDatabase {
    private final EmbeddedDataSource dataSource;

    public JamesDatabase(Path jamesDerby) {
        dataSource = new EmbeddedDataSource();
        dataSource.setDatabaseName(jamesDerby.toAbsolutePath().toString());
        dataSource.setUser("app");
    }

    public Connection connection() throws SQLException {
        return dataSource.getConnection();
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /** The database's directory, for messages. */
    public String location() {
        return dataSource.getDatabaseName();
    }
}

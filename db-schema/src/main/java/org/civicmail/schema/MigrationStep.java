package org.civicmail.schema;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * What one migration does to the database. It runs inside the migration's transaction (auto-commit off): whatever it
 * changed is rolled back with the version row if it throws, so a failed step leaves nothing half-written.
 */
@FunctionalInterface
public interface MigrationStep {
    void apply(Connection c) throws SQLException;
}

package org.civicmail.schema;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Objects;

/**
 * One numbered, named change of a {@link Schema}: SQL statements or a Java step. Never edit a migration that has
 * shipped; add the next one.
 */
public record Migration(int version, String name, MigrationStep step) {
    public Migration {
        if (version < 1) {
            throw new IllegalArgumentException("migration version " + version + " of '" + name + "': versions start at 1");
        }
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("migration " + version + " has no name; say what it changes");
        }
        Objects.requireNonNull(step, "step");
    }

    /** A migration made of SQL statements, run in order in one transaction. */
    public static Migration sql(int version, String name, String... statements) {
        List<String> ddl = List.of(statements);
        if (ddl.isEmpty()) {
            throw new IllegalArgumentException("migration " + version + " '" + name + "' has no statement");
        }
        return new Migration(version, name, c -> run(c, ddl));
    }

    private static void run(Connection c, List<String> statements) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }
}

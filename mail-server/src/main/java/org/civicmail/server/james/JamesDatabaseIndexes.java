package org.civicmail.server.james;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Indexes James's JPA schema lacks. OpenJPA builds the tables from the entity mappings, which declare no index
 * for finding a mailbox by owner and name: every SELECT, STATUS and delivery then scans the whole mailbox table,
 * which grows with the number of citizens (several folders each). Created once, after James made its tables.
 */
public final class JamesDatabaseIndexes {
    private static final Logger LOG = LoggerFactory.getLogger(JamesDatabaseIndexes.class);

    private JamesDatabaseIndexes() {
    }

    public static void ensure(Path jamesDerby) throws SQLException {
        // Same JVM as OpenJPA's connections: embedded Derby shares the open database.
        try (Connection c = DriverManager.getConnection("jdbc:derby:" + jamesDerby.toAbsolutePath(), "app", "app");
             Statement s = c.createStatement()) {
            try {
                s.execute("CREATE INDEX CM_MAILBOX_BY_PATH ON JAMES_MAILBOX (USER_NAME, MAILBOX_NAME, MAILBOX_NAMESPACE)");
                LOG.info("Created index CM_MAILBOX_BY_PATH on JAMES_MAILBOX");
            } catch (SQLException e) {
                // X0Y32: exists already. 42Y55/42X05: OpenJPA has not created the table yet; next start will.
                if (!java.util.Set.of("X0Y32", "42Y55", "42X05").contains(e.getSQLState())) {
                    throw e;
                }
            }
        }
    }
}

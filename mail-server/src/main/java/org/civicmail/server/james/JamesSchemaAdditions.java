package org.civicmail.server.james;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What we add to James's JPA schema, once, after OpenJPA made its tables.
 * <ul>
 * <li>CM_MAILBOX_PATH, a unique index on a mailbox's owner, namespace and name. The entity mappings declare none:
 * every SELECT, STATUS and delivery scanned the whole mailbox table, and nothing stopped two writers (James's
 * IMAP CREATE and the broadcast writer) from creating the same folder twice.</li>
 * <li>OpenJPA's sequence row, if OpenJPA has not made it yet.</li>
 * <li>CM_BC_DELIVERY, the broadcast delivery journal: one row per stored broadcast message, written in the same
 * transaction as the message (see {@code MailboxBatchWriter}); INDEXED tells the search index catch-up what is
 * left to index.</li>
 * </ul>
 */
public final class JamesSchemaAdditions {
    private static final Logger LOG = LoggerFactory.getLogger(JamesSchemaAdditions.class);
    /** X0Y32: exists already. 42Y55/42X05: OpenJPA has not created the table yet; the next start will. */
    private static final Set<String> ALREADY_OR_NOT_YET = Set.of("X0Y32", "42Y55", "42X05");

    private JamesSchemaAdditions() {
    }

    public static void ensure(JamesDatabase james) throws SQLException {
        try (Connection c = james.connection();
             Statement s = c.createStatement()) {
            create(s, "CREATE UNIQUE INDEX CM_MAILBOX_PATH ON JAMES_MAILBOX (USER_NAME, MAILBOX_NAMESPACE, MAILBOX_NAME)",
                "unique index CM_MAILBOX_PATH on JAMES_MAILBOX");
            dropOldIndex(s);
            create(s, "CREATE TABLE CM_BC_DELIVERY (BC_ID VARCHAR(64) NOT NULL, SEQ INT NOT NULL, MAILBOX_ID BIGINT NOT NULL, "
                + "MAIL_UID BIGINT NOT NULL, DELIVERED_AT TIMESTAMP NOT NULL, INDEXED SMALLINT NOT NULL DEFAULT 0, "
                + "PRIMARY KEY (BC_ID, SEQ))", "table CM_BC_DELIVERY");
            create(s, "CREATE INDEX CM_BC_DELIVERY_TO_INDEX ON CM_BC_DELIVERY (INDEXED)", "index CM_BC_DELIVERY_TO_INDEX");
            // OpenJPA adds its sequence row (next id 1) on its first id; adding it here spares the broadcast writer's
            // two lanes a race on a new database.
            create(s, "INSERT INTO OPENJPA_SEQUENCE_TABLE (ID, SEQUENCE_VALUE) SELECT 0, 1 FROM SYSIBM.SYSDUMMY1 "
                + "WHERE NOT EXISTS (SELECT 1 FROM OPENJPA_SEQUENCE_TABLE WHERE ID = 0)", "OpenJPA's sequence row");
        }
    }

    private static void create(Statement s, String ddl, String what) throws SQLException {
        try {
            int rows = s.executeUpdate(ddl);
            if (ddl.startsWith("CREATE") || rows > 0) {
                LOG.info("Created {}", what);
            }
        } catch (SQLException e) {
            if (!ALREADY_OR_NOT_YET.contains(e.getSQLState())) {
                throw e;
            }
        }
    }

    /** The non-unique index of earlier versions, superseded by CM_MAILBOX_PATH. */
    private static void dropOldIndex(Statement s) throws SQLException {
        try {
            s.execute("DROP INDEX CM_MAILBOX_BY_PATH");
            LOG.info("Dropped index CM_MAILBOX_BY_PATH (replaced by CM_MAILBOX_PATH)");
        } catch (SQLException e) {
            if (!"42X65".equals(e.getSQLState())) {
                throw e;
            }
        }
    }
}

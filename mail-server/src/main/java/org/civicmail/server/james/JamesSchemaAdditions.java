package org.civicmail.server.james;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;

import org.civicmail.server.CivicDatabase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What we add to James's JPA schema, once, after OpenJPA made its tables.
 * <ul>
 * <li>CM_MAILBOX_PATH, a unique index on a mailbox's owner, namespace and name. The entity mappings declare none:
 * every SELECT, STATUS and delivery scanned the whole mailbox table, and nothing stopped two writers (James's
 * IMAP CREATE and the broadcast writer) from creating the same folder twice.</li>
 * <li>OpenJPA's sequence row, if OpenJPA has not made it yet.</li>
 * <li>Four of the entity mappings' single-column indexes are dropped: the flags MAIL_IS_DELETED, MAIL_IS_RECENT,
 * MAIL_IS_SEEN (two values each, over every mailbox) and PROPERTY_LINE_NUMBER (a handful of values). Every James
 * query on a flag also names the mailbox, which the primary key (MAILBOX_ID, MAIL_UID) serves, and properties are
 * read by message through their foreign-key index; the four indexes were only written, four index entries per
 * stored message plus one per MIME property (about a fifth of a broadcast's storage work, BROADCAST.md).
 * OpenJPA's schema synchronisation adds missing tables and columns, not indexes, so they stay dropped
 * (MailboxBatchWriterIT checks it after James's own appends).</li>
 * <li>James's three ON DELETE CASCADE foreign keys replaced by row-locking triggers ({@link RowLockingCascades}):
 * Derby's cascade locked the whole dependent table and made EXPUNGE, MOVE and APPEND deadlock.</li>
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
            // Every deadlock and lock timeout, with the lock table at that moment, goes to derby.log: the evidence to
            // find a lock cycle by (issue 18), at no cost while there is none.
            s.execute("CALL SYSCS_UTIL.SYSCS_SET_DATABASE_PROPERTY('derby.locks.deadlockTrace', 'true')");
            s.execute("CALL SYSCS_UTIL.SYSCS_SET_DATABASE_PROPERTY('derby.locks.monitor', 'true')");
            create(s, "CREATE UNIQUE INDEX CM_MAILBOX_PATH ON JAMES_MAILBOX (USER_NAME, MAILBOX_NAMESPACE, MAILBOX_NAME)",
                "unique index CM_MAILBOX_PATH on JAMES_MAILBOX");
            dropIndex(c, "CM_MAILBOX_BY_PATH", "replaced by CM_MAILBOX_PATH");
            for (String unused : List.of("I_JMS_MIL_MAIL_IS_DELETED", "I_JMS_MIL_MAIL_IS_RECENT", "I_JMS_MIL_MAIL_IS_SEEN",
                "INDEX_PROPERTY_LINE_NUMBER")) {
                dropIndex(c, unused, "no query uses it without the mailbox, which the primary key serves");
            }
            RowLockingCascades.ensure(c);
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

    private static void dropIndex(Connection c, String index, String why) throws SQLException {
        if (CivicDatabase.dropIndexIfPresent(c, index)) {
            LOG.info("Dropped index {} ({})", index, why);
        }
    }
}

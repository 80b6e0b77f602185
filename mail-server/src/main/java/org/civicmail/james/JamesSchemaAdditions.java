package org.civicmail.james;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;

import javax.sql.DataSource;

import org.civicmail.schema.DbObject;
import org.civicmail.schema.Migration;
import org.civicmail.schema.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What we add to James's JPA schema, after OpenJPA made its tables (James's start), as two versioned schemas in
 * James's database; a change is the next {@code .migration(...)} of the schema it belongs to (ARCHITECTURE.md).
 * <ul>
 * <li>{@link #JAMES_INDEXES}: CM_MAILBOX_PATH, a unique index on a mailbox's owner, namespace and name. The entity
 * mappings declare none: every SELECT, STATUS and delivery scanned the whole mailbox table, and nothing stopped two
 * writers (James's IMAP CREATE and the broadcast writer) from creating the same folder twice. And four of the entity
 * mappings' single-column indexes are dropped: the flags MAIL_IS_DELETED, MAIL_IS_RECENT, MAIL_IS_SEEN (two values
 * each, over every mailbox) and PROPERTY_LINE_NUMBER (a handful of values). Every James query on a flag also names
 * the mailbox, which the primary key (MAILBOX_ID, MAIL_UID) serves, and properties are read by message through their
 * foreign-key index; the four indexes were only written, one index entry each per stored message (flags) or MIME
 * property (line number): about a fifth of a broadcast's storage work (BROADCAST.md). OpenJPA's schema
 * synchronisation adds missing tables and columns, not indexes, so they stay dropped (MailboxBatchWriterIT checks
 * it after James's own appends). Migration 3 replaces James's three ON DELETE CASCADE foreign keys by row-locking
 * triggers ({@link RowLockingCascades}): Derby's cascade locked the whole dependent table, and EXPUNGE, MOVE and
 * APPEND deadlocked on it (issue 18); migration 5 drops them again where OpenJPA had re-added them at a restart
 * (before persistence.xml stopped it). Migration 4 moves each folder's UID and modseq counters out of its JAMES_MAILBOX
 * row into CM_MAILBOX_COUNTER ({@link MailboxCounters}).</li>
 * <li>{@link #BROADCAST_JOURNAL}: CM_BC_DELIVERY, the broadcast delivery journal: one row per stored broadcast
 * message, written in the same transaction as the message (see {@code MailboxBatchWriter}); INDEXED tells the
 * search index catch-up what is left to index.</li>
 * <li>OpenJPA's sequence row, if OpenJPA has not made it yet (data, not layout: see {@link #ensure}).</li>
 * </ul>
 */
public final class JamesSchemaAdditions {
    static final Schema JAMES_INDEXES = Schema.named("james-indexes")
        .baseline("mailbox path index; write-only flag and property indexes dropped",
            List.of(DbObject.index("CM_MAILBOX_PATH")),
            "CREATE UNIQUE INDEX CM_MAILBOX_PATH ON JAMES_MAILBOX (USER_NAME, MAILBOX_NAMESPACE, MAILBOX_NAME)")
        // Names are OpenJPA's for James 3.8.1's mappings; a James whose mappings lack one has nothing to drop.
        .migration(new Migration(2, "drop write-only indexes on flags and property line numbers", c -> {
            for (String unused : List.of("I_JMS_MIL_MAIL_IS_DELETED", "I_JMS_MIL_MAIL_IS_RECENT", "I_JMS_MIL_MAIL_IS_SEEN",
                "INDEX_PROPERTY_LINE_NUMBER")) {
                dropIndexIfPresent(c, unused);
            }
        }))
        .migration(new Migration(3, "row-locking cascades for messages' dependent rows; lock-cycle traces in derby.log", c -> {
            // Every deadlock and lock timeout, with the lock table at that moment, goes to derby.log: the evidence to
            // find a lock cycle by (issue 18), at no cost while there is none.
            try (Statement s = c.createStatement()) {
                s.execute("CALL SYSCS_UTIL.SYSCS_SET_DATABASE_PROPERTY('derby.locks.deadlockTrace', 'true')");
                s.execute("CALL SYSCS_UTIL.SYSCS_SET_DATABASE_PROPERTY('derby.locks.monitor', 'true')");
            }
            RowLockingCascades.ensure(c);
        }))
        .migration(Migration.sql(4, "folder UID and modseq counters in a table of their own",
            // Every IMAP read of messages also reads (share-locks) the folder's JAMES_MAILBOX row; a counter moved on in
            // that row waited for such a reader, which waited for the rows of a writer, which waited behind the counter
            // for the folder row: a lock cycle on every busy folder (issue 18). Counter rows are read and written by
            // the counters only (MailboxCounters), and hold no other lock while they wait.
            "CREATE TABLE " + MailboxCounters.TABLE + " (MAILBOX_ID BIGINT NOT NULL PRIMARY KEY, LAST_UID BIGINT NOT NULL, "
                + "HIGHEST_MODSEQ BIGINT NOT NULL)",
            "INSERT INTO " + MailboxCounters.TABLE + " SELECT MAILBOX_ID, COALESCE(MAILBOX_LAST_UID, 0), "
                + "COALESCE(MAILBOX_HIGHEST_MODSEQ, 0) FROM JAMES_MAILBOX",
            // A folder James or the broadcast writer creates gets its counters with it, as they were written; a
            // deleted folder loses them.
            "CREATE TRIGGER CM_MAILBOX_COUNTER_NEW AFTER INSERT ON JAMES_MAILBOX REFERENCING NEW AS N FOR EACH ROW "
                + "INSERT INTO " + MailboxCounters.TABLE + " VALUES (N.MAILBOX_ID, COALESCE(N.MAILBOX_LAST_UID, 0), "
                + "COALESCE(N.MAILBOX_HIGHEST_MODSEQ, 0))",
            "CREATE TRIGGER CM_MAILBOX_COUNTER_GONE AFTER DELETE ON JAMES_MAILBOX REFERENCING OLD AS O FOR EACH ROW "
                + "DELETE FROM " + MailboxCounters.TABLE + " WHERE MAILBOX_ID = O.MAILBOX_ID"))
        // Until persistence.xml said buildSchema(ForeignKeys=false), OpenJPA re-added at the first restart the three
        // cascading keys migration 3 had replaced: a data directory restarted since has both the triggers and the
        // table-locking cascades. Drops them again (the triggers and indexes are there; RowLockingCascades skips them).
        .migration(new Migration(5, "drop the cascading keys OpenJPA re-added at a restart", RowLockingCascades::ensure));

    static final Schema BROADCAST_JOURNAL = Schema.named("broadcast-journal")
        .baseline("broadcast delivery journal",
            List.of(DbObject.table("CM_BC_DELIVERY"), DbObject.index("CM_BC_DELIVERY_TO_INDEX")),
            "CREATE TABLE CM_BC_DELIVERY (BC_ID VARCHAR(64) NOT NULL, SEQ INT NOT NULL, MAILBOX_ID BIGINT NOT NULL, "
                + "MAIL_UID BIGINT NOT NULL, DELIVERED_AT TIMESTAMP NOT NULL, INDEXED SMALLINT NOT NULL DEFAULT 0, "
                + "PRIMARY KEY (BC_ID, SEQ))",
            "CREATE INDEX CM_BC_DELIVERY_TO_INDEX ON CM_BC_DELIVERY (INDEXED)");

    private static final Logger LOG = LoggerFactory.getLogger(JamesSchemaAdditions.class);
    /** 42X05: OpenJPA has not created its sequence table yet; it adds the row itself on its first id. */
    private static final Set<String> NOT_YET = Set.of("42X05");
    private static final String INDEX_MISSING = "42X65";

    private JamesSchemaAdditions() {
    }

    /** Brings our additions to the current version; called once James has started (its tables exist). */
    public static void ensure(JamesDatabase james) throws SQLException {
        DataSource db = james.dataSource();
        JAMES_INDEXES.migrate(db, james.location());
        BROADCAST_JOURNAL.migrate(db, james.location());
        // OpenJPA adds its sequence row (next id 1) on its first id; adding it here spares the broadcast writer's
        // two lanes a race on a new database.
        try (Connection c = james.connection(); Statement s = c.createStatement()) {
            if (s.executeUpdate("INSERT INTO OPENJPA_SEQUENCE_TABLE (ID, SEQUENCE_VALUE) SELECT 0, 1 FROM SYSIBM.SYSDUMMY1 "
                + "WHERE NOT EXISTS (SELECT 1 FROM OPENJPA_SEQUENCE_TABLE WHERE ID = 0)") > 0) {
                LOG.info("Created OpenJPA's sequence row");
            }
        } catch (SQLException e) {
            if (!NOT_YET.contains(e.getSQLState())) {
                throw e;
            }
        }
        try (Connection c = james.connection()) {
            TriggerWarmUp.fireOnce(c);
        }
    }

    private static void dropIndexIfPresent(Connection c, String index) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("DROP INDEX " + index);
            LOG.info("Dropped index {} (no query uses it without the mailbox, which the primary key serves)", index);
        } catch (SQLException e) {
            if (!INDEX_MISSING.equals(e.getSQLState())) {
                throw e;
            }
        }
    }
}

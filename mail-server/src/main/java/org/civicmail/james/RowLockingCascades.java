package org.civicmail.james;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * James's cascading deletes done with row locks instead of table locks (issue 18).
 * <p>
 * James's JPA mapping (with our {@code ForeignKeyDeleteAction=cascade}) makes three {@code ON DELETE CASCADE} foreign
 * keys: a message's MIME properties and user flags cascade from JAMES_MAIL, a folder's messages from JAMES_MAILBOX.
 * Derby carries out such a cascade as an unqualified DELETE on the dependent table, forced to a heap scan ("we would
 * like to use references index &amp; table scan", {@code DeleteNode.getEmptyDeleteNode}); with no start/stop position
 * its optimizer then takes an exclusive <em>table</em> lock ({@code TABLE_LOCK_NO_START_STOP}), whatever indexes
 * exist. So expunging one message locked all messages' properties and flags: every APPEND (which holds an intent lock
 * on the property table) blocked it, and two of them (EXPUNGE, MOVE) each holding the intent lock and waiting for the
 * table lock were a cycle Derby broke only after its 20 s deadlock timeout (NO to one of them).
 * <p>
 * Each cascade is replaced, in the schema migration's transaction, by an index on the dependent rows' key (where the key is not the
 * dependent table's primary-key prefix), an {@code AFTER DELETE ... FOR EACH ROW} trigger that deletes the dependent
 * rows by that key through that index ({@link MessageRowsProcedure}: row locks only), and then the foreign key is
 * dropped.
 * The live schema is checked through {@link DatabaseMetaData} first: if James's tables or columns are not as written
 * for (another James version), the cascade stays as it is and a warning says so. OpenJPA does not re-create a
 * dropped foreign key of an existing table because persistence.xml synchronises mappings with
 * {@code ForeignKeys=false} (with {@code true} it did, at the next start), and the trigger makes the same rows
 * disappear as the cascade did.
 */
final class RowLockingCascades {
    private static final Logger LOG = LoggerFactory.getLogger(RowLockingCascades.class);
    static final String PROCEDURE = "CM_DELETE_MESSAGE_ROWS";

    /** A cascade from {@code parent} to {@code child} over {@code columns} (same names on both sides). */
    record Cascade(String child, String parent, List<String> columns, String index, String trigger) {
    }

    static final List<Cascade> JAMES = List.of(
        new Cascade("JAMES_MAIL_PROPERTY", "JAMES_MAIL", List.of("MAILBOX_ID", "MAIL_UID"), "CM_MAIL_PROPERTY_MESSAGE",
            "CM_DELETE_MAIL_PROPERTY"),
        new Cascade("JAMES_MAIL_USERFLAG", "JAMES_MAIL", List.of("MAILBOX_ID", "MAIL_UID"), "CM_MAIL_USERFLAG_MESSAGE",
            "CM_DELETE_MAIL_USERFLAG"),
        // JAMES_MAIL's primary key (MAILBOX_ID, MAIL_UID) already serves the lookup by folder: no extra index.
        new Cascade("JAMES_MAIL", "JAMES_MAILBOX", List.of("MAILBOX_ID"), null, "CM_DELETE_MAILBOX_MAIL"));

    private RowLockingCascades() {
    }

    /**
     * Replaces each table-locking cascade still present, in the caller's transaction; idempotent (a done one has no
     * cascading key left).
     */
    static void ensure(Connection c) throws SQLException {
        for (Cascade cascade : JAMES) {
            List<String> keys = cascadingKeys(c.getMetaData(), cascade);
            if (keys.isEmpty()) {
                continue;
            }
            String mismatch = schemaMismatch(c.getMetaData(), cascade);
            if (mismatch != null) {
                LOG.warn("Leaving James's ON DELETE CASCADE from {} to {} as it is ({}); deleting from {} locks all of {}",
                    cascade.parent(), cascade.child(), mismatch, cascade.parent(), cascade.child());
                continue;
            }
            ensureProcedure(c);
            replace(c, cascade, keys);
        }
    }

    /** Runs in the caller's (the schema migration's) transaction: all of it or nothing. */
    private static void replace(Connection c, Cascade cascade, List<String> keys) throws SQLException {
        try (Statement s = c.createStatement()) {
            if (!triggerExists(c, cascade.trigger())) {
                s.executeUpdate("CREATE TRIGGER " + cascade.trigger() + " AFTER DELETE ON " + cascade.parent()
                    + " REFERENCING OLD AS GONE FOR EACH ROW " + action(cascade));
            }
            for (String key : keys) {
                s.executeUpdate("ALTER TABLE " + cascade.child() + " DROP CONSTRAINT " + key);
            }
            // After the key: Derby shares an index with the same columns as a key's backing index, and dropping the
            // key then dropped that index too.
            if (cascade.index() != null && !indexExists(c, cascade.index())) {
                s.executeUpdate("CREATE INDEX " + cascade.index() + " ON " + cascade.child() + " (" + String.join(", ", cascade.columns()) + ")");
            }
        }
        LOG.info("Deletes from {} now remove their {} rows with row locks (trigger {}) instead of the table-locking cascade {}",
            cascade.parent(), cascade.child(), cascade.trigger(), keys);
    }

    /**
     * A message's dependent rows go through {@link MessageRowsProcedure} (index forced); a folder's messages by a plain
     * DELETE on JAMES_MAIL's primary-key prefix (deleting a folder is rare, and James has deleted its messages by then).
     */
    private static String action(Cascade cascade) {
        if (cascade.index() == null) {
            List<String> match = new ArrayList<>();
            cascade.columns().forEach(col -> match.add(col + " = GONE." + col));
            return "DELETE FROM " + cascade.child() + " WHERE " + String.join(" AND ", match);
        }
        return "CALL " + PROCEDURE + "('" + cascade.child() + "', GONE.MAILBOX_ID, GONE.MAIL_UID)";
    }

    private static void ensureProcedure(Connection c) throws SQLException {
        if (!exists(c, "SELECT 1 FROM SYS.SYSALIASES WHERE ALIAS = ?", PROCEDURE)) {
            try (Statement s = c.createStatement()) {
                s.executeUpdate("CREATE PROCEDURE " + PROCEDURE + "(IN DEPENDENT_TABLE VARCHAR(128), IN MAILBOX BIGINT, IN UID BIGINT) "
                    + "LANGUAGE JAVA PARAMETER STYLE JAVA MODIFIES SQL DATA EXTERNAL NAME '" + MessageRowsProcedure.class.getName() + ".delete'");
            }
        }
    }

    /** Names of the child's foreign keys to the parent over exactly the cascade's columns that delete by cascade. */
    static List<String> cascadingKeys(DatabaseMetaData meta, Cascade cascade) throws SQLException {
        Map<String, List<String>> columnsByKey = new LinkedHashMap<>();
        Map<String, Boolean> cascades = new LinkedHashMap<>();
        try (ResultSet rs = meta.getImportedKeys(null, "APP", cascade.child())) {
            while (rs.next()) {
                if (cascade.parent().equals(rs.getString("PKTABLE_NAME"))) {
                    String key = rs.getString("FK_NAME");
                    columnsByKey.computeIfAbsent(key, k -> new ArrayList<>()).add(rs.getString("FKCOLUMN_NAME"));
                    cascades.put(key, rs.getShort("DELETE_RULE") == DatabaseMetaData.importedKeyCascade);
                }
            }
        }
        List<String> keys = new ArrayList<>();
        columnsByKey.forEach((key, columns) -> {
            if (cascades.get(key) && columns.size() == cascade.columns().size() && columns.containsAll(cascade.columns())) {
                keys.add(key);
            }
        });
        return keys;
    }

    /** Why the live schema is not the one this was written for, or null when it is. */
    private static String schemaMismatch(DatabaseMetaData meta, Cascade cascade) throws SQLException {
        for (String table : List.of(cascade.child(), cascade.parent())) {
            List<String> present = new ArrayList<>();
            try (ResultSet rs = meta.getColumns(null, "APP", table, null)) {
                while (rs.next()) {
                    present.add(rs.getString("COLUMN_NAME"));
                }
            }
            List<String> wanted = new ArrayList<>(cascade.columns());
            if (table.equals(cascade.child()) && MessageRowsProcedure.TABLES.containsKey(table)) {
                wanted.add(MessageRowsProcedure.TABLES.get(table)[0]);
            }
            if (!present.containsAll(wanted)) {
                return table + " has columns " + present + ", not all of " + wanted;
            }
        }
        return null;
    }

    private static boolean indexExists(Connection c, String index) throws SQLException {
        return exists(c, "SELECT 1 FROM SYS.SYSCONGLOMERATES WHERE CONGLOMERATENAME = ?", index);
    }

    static boolean triggerExists(Connection c, String trigger) throws SQLException {
        return exists(c, "SELECT 1 FROM SYS.SYSTRIGGERS WHERE TRIGGERNAME = ?", trigger);
    }

    private static boolean exists(Connection c, String sql, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }
}

package org.civicmail.james;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The body of the database procedure {@code CM_DELETE_MESSAGE_ROWS} that {@link RowLockingCascades}' triggers
 * call for each deleted message: it deletes the message's rows of one dependent table through that table's
 * message index, so only those rows are locked.
 * <p>
 * A plain {@code DELETE ... WHERE MAILBOX_ID = ? AND MAIL_UID = ?} is not enough: without index statistics (a new
 * or small database) Derby's optimizer costs a heap scan below the index (runtime statistics: 3,600 rows visited to
 * delete 6), and a heap scan under exclusive row locking waits for every row any other session is writing. Derby
 * accepts no optimizer override in DELETE (DERBY-4136), so the rows are found by a SELECT that names the index and
 * deleted by primary key. Runs inside Derby on the trigger's nested connection, in the deleting transaction.
 */
public final class MessageRowsProcedure {
    /** Dependent table → its primary-key column and the index on (MAILBOX_ID, MAIL_UID) that finds a message's rows. */
    static final Map<String, String[]> TABLES = Map.of(
        "JAMES_MAIL_PROPERTY", new String[] {"PROPERTY_ID", "CM_MAIL_PROPERTY_MESSAGE"},
        "JAMES_MAIL_USERFLAG", new String[] {"USERFLAG_ID", "CM_MAIL_USERFLAG_MESSAGE"});

    private MessageRowsProcedure() {
    }

    /** Deletes the rows of {@code table} that belong to message (mailboxId, uid). */
    public static void delete(String table, long mailboxId, long uid) throws SQLException {
        String[] keyAndIndex = TABLES.get(table);
        if (keyAndIndex == null) {
            throw new SQLException("CM_DELETE_MESSAGE_ROWS: no dependent message table " + table + "; expected one of " + TABLES.keySet());
        }
        try (Connection c = DriverManager.getConnection("jdbc:default:connection")) {
            List<Long> keys = new ArrayList<>();
            try (PreparedStatement find = c.prepareStatement("SELECT " + keyAndIndex[0] + " FROM " + table + " --DERBY-PROPERTIES index="
                + keyAndIndex[1] + "\n WHERE MAILBOX_ID = ? AND MAIL_UID = ?")) {
                find.setLong(1, mailboxId);
                find.setLong(2, uid);
                try (ResultSet rs = find.executeQuery()) {
                    while (rs.next()) {
                        keys.add(rs.getLong(1));
                    }
                }
            }
            if (keys.isEmpty()) {
                return;
            }
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM " + table + " WHERE " + keyAndIndex[0] + " = ?")) {
                for (long key : keys) {
                    delete.setLong(1, key);
                    delete.addBatch();
                }
                delete.executeBatch();
            }
        }
    }
}

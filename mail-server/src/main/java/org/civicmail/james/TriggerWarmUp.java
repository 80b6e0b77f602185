package org.civicmail.james;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fires our triggers on James's tables once at start, alone, so that none is compiled for the first time by two
 * transactions at once.
 *
 * <p>Why: Derby recompiles a trigger's action the first time it fires after DDL on its table (our migrations create
 * several triggers and indexes on the same tables, which marks the earlier ones invalid). The recompilation rewrites
 * the trigger's rows in {@code SYS.SYSDEPENDS} inside the firing transaction; two deliveries that created their first
 * folders at the same moment both did that and Derby chose one as a deadlock victim ("cycle of locks … SYSDEPENDS",
 * seen in MailflowBenchIT and under imaptest). James retried the delivery, but a citizen's client could get {@code NO}.
 *
 * <p>How: in one transaction, a sentinel folder (id -1, which OpenJPA's sequence never hands out) and one message in it
 * are inserted and deleted again, which fires every insert and delete trigger on both tables, then committed: no row
 * is left behind. Columns are read from the live schema, so a James whose tables differ gets a warning, not a failed
 * start.
 */
final class TriggerWarmUp {
    private static final Logger LOG = LoggerFactory.getLogger(TriggerWarmUp.class);
    private static final long SENTINEL_FOLDER = -1;
    private static final String SENTINEL_TEXT = "!civicmail-trigger-warm-up";

    private TriggerWarmUp() {
    }

    static void fireOnce(Connection c) throws SQLException {
        List<String> invalid = invalidTriggers(c);
        if (invalid.isEmpty()) {
            return;
        }
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            insertSentinel(c, "JAMES_MAILBOX", Map.of("MAILBOX_ID", SENTINEL_FOLDER));
            insertSentinel(c, "JAMES_MAIL", Map.of("MAILBOX_ID", SENTINEL_FOLDER, "MAIL_UID", 1L));
            s.executeUpdate("DELETE FROM JAMES_MAIL WHERE MAILBOX_ID = " + SENTINEL_FOLDER);
            s.executeUpdate("DELETE FROM JAMES_MAILBOX WHERE MAILBOX_ID = " + SENTINEL_FOLDER);
            c.commit();
        } catch (SQLException e) {
            c.rollback();
            LOG.warn("Could not fire the triggers {} once at start ({}); the first two deliveries that fire one at the same "
                + "moment may meet a Derby deadlock (James retries the delivery)", invalid, e.getMessage());
            return;
        } finally {
            c.setAutoCommit(autoCommit);
        }
        List<String> still = invalidTriggers(c);
        if (!still.isEmpty()) {
            LOG.warn("Triggers {} are still not compiled after firing them once at start", still);
        }
    }

    static List<String> invalidTriggers(Connection c) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT t.TRIGGERNAME FROM SYS.SYSTRIGGERS t "
                + "JOIN SYS.SYSSTATEMENTS st ON t.ACTIONSTMTID = st.STMTID WHERE NOT st.VALID")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }

    /** One row with the given values and a placeholder in every other column that must have one. */
    private static void insertSentinel(Connection c, String table, Map<String, Object> given) throws SQLException {
        List<String> columns = new ArrayList<>();
        List<Object> values = new ArrayList<>();
        List<Integer> types = new ArrayList<>();
        try (ResultSet rs = c.getMetaData().getColumns(null, null, table, null)) {
            while (rs.next()) {
                String column = rs.getString("COLUMN_NAME");
                int type = rs.getInt("DATA_TYPE");
                boolean required = rs.getInt("NULLABLE") == DatabaseMetaData.columnNoNulls && rs.getString("COLUMN_DEF") == null;
                if (given.containsKey(column)) {
                    columns.add(column);
                    values.add(given.get(column));
                    types.add(type);
                } else if (required) {
                    columns.add(column);
                    values.add(placeholder(type, column));
                    types.add(type);
                }
            }
        }
        if (!columns.containsAll(given.keySet())) {
            throw new SQLException(table + " lacks one of " + given.keySet());
        }
        String sql = "INSERT INTO " + table + " (" + String.join(", ", columns) + ") VALUES ("
            + String.join(", ", columns.stream().map(any -> "?").toList()) + ")";
        try (PreparedStatement insert = c.prepareStatement(sql)) {
            for (int i = 0; i < columns.size(); i++) {
                Object value = values.get(i);
                if (value instanceof byte[] bytes) {
                    insert.setBytes(i + 1, bytes);
                } else {
                    insert.setObject(i + 1, value, types.get(i));
                }
            }
            insert.executeUpdate();
        }
    }

    private static Object placeholder(int type, String column) throws SQLException {
        return switch (type) {
            case Types.BIGINT, Types.INTEGER, Types.SMALLINT, Types.TINYINT, Types.DECIMAL, Types.NUMERIC, Types.DOUBLE,
                Types.REAL, Types.FLOAT, Types.BOOLEAN, Types.BIT -> 0;
            case Types.CHAR, Types.VARCHAR, Types.LONGVARCHAR, Types.CLOB -> SENTINEL_TEXT;
            case Types.TIMESTAMP, Types.DATE, Types.TIME -> new Timestamp(0);
            case Types.BLOB, Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY -> new byte[0];
            default -> throw new SQLException("no placeholder for column " + column + " of SQL type " + type);
        };
    }
}

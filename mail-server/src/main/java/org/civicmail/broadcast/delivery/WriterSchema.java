package org.civicmail.broadcast.delivery;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@link MailboxBatchWriter} was written for: the tables of James 3.8.1's JPA mailbox (with their exact
 * columns and types), the keys and unique indexes its statements rely on, and our own additions. {@link #problems}
 * compares that with the live database through {@link DatabaseMetaData}; any difference (a James upgrade renaming,
 * adding or dropping a column, a missing CM_MAILBOX_PATH) means the writer must not run.
 *
 * <p>Tables the writer inserts into must have exactly these columns: a new column would be left empty by it and
 * might mean something to the new James. Tables it only reads need these columns, whatever else they have.
 */
public final class WriterSchema {
    private record Table(String name, boolean written, Map<String, String> columns, List<String> primaryKey) {
    }

    private record UniqueIndex(String table, String name, List<String> columns) {
    }

    private static final List<Table> TABLES = List.of(
        new Table("JAMES_MAILBOX", true, columns("MAILBOX_ID BIGINT", "MAILBOX_HIGHEST_MODSEQ BIGINT", "MAILBOX_LAST_UID BIGINT",
            "MAILBOX_NAME VARCHAR", "MAILBOX_NAMESPACE VARCHAR", "MAILBOX_UID_VALIDITY BIGINT", "USER_NAME VARCHAR"), List.of("MAILBOX_ID")),
        new Table("JAMES_SUBSCRIPTION", true, columns("SUBSCRIPTION_ID BIGINT", "MAILBOX_NAME VARCHAR", "USER_NAME VARCHAR"),
            List.of("SUBSCRIPTION_ID")),
        new Table("JAMES_MAIL", true, columns("MAILBOX_ID BIGINT", "MAIL_UID BIGINT", "MAIL_IS_ANSWERED SMALLINT",
            "MAIL_BODY_START_OCTET INTEGER", "MAIL_CONTENT_OCTETS_COUNT BIGINT", "MAIL_IS_DELETED SMALLINT", "MAIL_IS_DRAFT SMALLINT",
            "MAIL_IS_FLAGGED SMALLINT", "MAIL_DATE TIMESTAMP", "MAIL_MIME_TYPE VARCHAR", "MAIL_MODSEQ BIGINT", "MAIL_IS_RECENT SMALLINT",
            "MAIL_IS_SEEN SMALLINT", "MAIL_MIME_SUBTYPE VARCHAR", "MAIL_TEXTUAL_LINE_COUNT BIGINT", "MAIL_BYTES BLOB", "HEADER_BYTES BLOB"),
            List.of("MAILBOX_ID", "MAIL_UID")),
        new Table("JAMES_MAIL_PROPERTY", true, columns("PROPERTY_ID BIGINT", "PROPERTY_LINE_NUMBER INTEGER", "PROPERTY_LOCAL_NAME VARCHAR",
            "PROPERTY_NAME_SPACE VARCHAR", "PROPERTY_VALUE VARCHAR", "MAILBOX_ID BIGINT", "MAIL_UID BIGINT"), List.of("PROPERTY_ID")),
        new Table("JAMES_QUOTA_CURRENTQUOTA", true, columns("CURRENTQUOTA_QUOTAROOT VARCHAR", "CURRENTQUOTA_MESSAGECOUNT BIGINT",
            "CURRENTQUOTA_SIZE BIGINT"), List.of("CURRENTQUOTA_QUOTAROOT")),
        new Table("JAMES_MAX_USER_STORAGE", false, columns("QUOTAROOT_ID VARCHAR", "VALUE BIGINT"), List.of("QUOTAROOT_ID")),
        new Table("JAMES_MAX_USER_MESSAGE_COUNT", false, columns("QUOTAROOT_ID VARCHAR", "VALUE BIGINT"), List.of("QUOTAROOT_ID")),
        new Table("OPENJPA_SEQUENCE_TABLE", true, columns("ID SMALLINT", "SEQUENCE_VALUE BIGINT"), List.of("ID")),
        new Table("CM_BC_DELIVERY", true, columns("BC_ID VARCHAR", "SEQ INTEGER", "MAILBOX_ID BIGINT", "MAIL_UID BIGINT",
            "DELIVERED_AT TIMESTAMP", "INDEXED SMALLINT"), List.of("BC_ID", "SEQ")));

    /** Stops two writers (James's IMAP CREATE and the batch writer) from creating the same folder twice. */
    private static final UniqueIndex MAILBOX_PATH = new UniqueIndex("JAMES_MAILBOX", "CM_MAILBOX_PATH",
        List.of("USER_NAME", "MAILBOX_NAMESPACE", "MAILBOX_NAME"));

    private WriterSchema() {
    }

    private static Map<String, String> columns(String... nameAndType) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String c : nameAndType) {
            String[] p = c.split(" ");
            m.put(p[0], p[1]);
        }
        return m;
    }

    /** Every difference between the live schema and what the writer was written for; empty when it may run. */
    public static List<String> problems(Connection c) throws SQLException {
        DatabaseMetaData meta = c.getMetaData();
        List<String> problems = new ArrayList<>();
        for (Table t : TABLES) {
            Map<String, String> live = liveColumns(meta, t.name());
            if (live.isEmpty()) {
                problems.add("table " + t.name() + " is missing");
                continue;
            }
            t.columns().forEach((column, type) -> {
                String liveType = live.get(column);
                if (liveType == null) {
                    problems.add("column " + t.name() + "." + column + " is missing");
                } else if (!liveType.equals(type)) {
                    problems.add("column " + t.name() + "." + column + " is " + liveType + ", expected " + type);
                }
            });
            if (t.written()) {
                live.keySet().stream().filter(column -> !t.columns().containsKey(column))
                    .forEach(column -> problems.add("column " + t.name() + "." + column + " is unknown to the writer"));
            }
            List<String> key = primaryKey(meta, t.name());
            if (!key.equals(t.primaryKey())) {
                problems.add("primary key of " + t.name() + " is " + key + ", expected " + t.primaryKey());
            }
        }
        List<String> index = uniqueIndex(meta, MAILBOX_PATH.table(), MAILBOX_PATH.name());
        if (!index.equals(MAILBOX_PATH.columns())) {
            problems.add(index.isEmpty() ? "unique index " + MAILBOX_PATH.name() + " is missing"
                : "unique index " + MAILBOX_PATH.name() + " is on " + index + ", expected " + MAILBOX_PATH.columns());
        }
        return problems;
    }

    private static Map<String, String> liveColumns(DatabaseMetaData meta, String table) throws SQLException {
        Map<String, String> found = new LinkedHashMap<>();
        try (ResultSet rs = meta.getColumns(null, "APP", table, null)) {
            while (rs.next()) {
                found.put(rs.getString("COLUMN_NAME"), rs.getString("TYPE_NAME"));
            }
        }
        return found;
    }

    private static List<String> primaryKey(DatabaseMetaData meta, String table) throws SQLException {
        Map<Short, String> byPosition = new TreeMap<>();
        try (ResultSet rs = meta.getPrimaryKeys(null, "APP", table)) {
            while (rs.next()) {
                byPosition.put(rs.getShort("KEY_SEQ"), rs.getString("COLUMN_NAME"));
            }
        }
        return new ArrayList<>(byPosition.values());
    }

    private static List<String> uniqueIndex(DatabaseMetaData meta, String table, String index) throws SQLException {
        Map<Short, String> byPosition = new TreeMap<>();
        try (ResultSet rs = meta.getIndexInfo(null, "APP", table, true, false)) {
            while (rs.next()) {
                if (index.equals(rs.getString("INDEX_NAME"))) {
                    byPosition.put(rs.getShort("ORDINAL_POSITION"), rs.getString("COLUMN_NAME"));
                }
            }
        }
        return new ArrayList<>(byPosition.values());
    }
}

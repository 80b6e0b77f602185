package org.civicmail.schema;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;

/**
 * A table, column or index whose presence shows that a database already holds a schema's baseline: data directories
 * made before versioned schemas have the tables but no version rows. Names as Derby stores them (upper case).
 */
public record DbObject(Kind kind, String table, String name) {
    public enum Kind { TABLE, COLUMN, INDEX }

    public static DbObject table(String table) {
        return new DbObject(Kind.TABLE, upper(table), upper(table));
    }

    public static DbObject column(String table, String column) {
        return new DbObject(Kind.COLUMN, upper(table), upper(column));
    }

    public static DbObject index(String index) {
        return new DbObject(Kind.INDEX, null, upper(index));
    }

    boolean existsIn(Connection c) throws SQLException {
        DatabaseMetaData md = c.getMetaData();
        switch (kind) {
            case TABLE:
                try (ResultSet rs = md.getTables(null, null, table, new String[] {"TABLE"})) {
                    return rs.next();
                }
            case COLUMN:
                try (ResultSet rs = md.getColumns(null, null, table, name)) {
                    return rs.next();
                }
            default:
                // JDBC finds indexes only by table; Derby's catalogue finds them by name.
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT 1 FROM SYS.SYSCONGLOMERATES WHERE ISINDEX AND CONGLOMERATENAME = ?")) {
                    ps.setString(1, name);
                    try (ResultSet rs = ps.executeQuery()) {
                        return rs.next();
                    }
                }
        }
    }

    @Override
    public String toString() {
        return switch (kind) {
            case TABLE -> "table " + name;
            case COLUMN -> "column " + table + "." + name;
            case INDEX -> "index " + name;
        };
    }

    private static String upper(String s) {
        return s.toUpperCase(Locale.ROOT);
    }
}

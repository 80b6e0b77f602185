package org.civicmail.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import org.apache.derby.jdbc.EmbeddedDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchemaTest {
    private static final Schema NOTES = Schema.named("notes")
        .baseline("notes table", List.of(DbObject.table("NOTE"), DbObject.column("NOTE", "TEXT"), DbObject.index("NOTE_BY_TEXT")),
            "CREATE TABLE NOTE (ID INT NOT NULL PRIMARY KEY, TEXT VARCHAR(100))",
            "CREATE INDEX NOTE_BY_TEXT ON NOTE (TEXT)")
        .migration(Migration.sql(2, "note author", "ALTER TABLE NOTE ADD COLUMN AUTHOR VARCHAR(100)"));

    @TempDir
    Path tmp;

    @Test
    void freshDatabaseGetsEveryMigrationInOrder() throws Exception {
        EmbeddedDataSource db = database("fresh");

        assertThat(NOTES.migrate(db, "fresh")).isEqualTo(2);

        assertThat(versionRows(db, "notes")).containsExactly("1 notes table applied", "2 note author applied");
        execute(db, "INSERT INTO NOTE (ID, TEXT, AUTHOR) VALUES (1, 'a', 'b')");
        assertThat(NOTES.migrate(db, "fresh")).as("a second start changes nothing").isEqualTo(2);
        assertThat(versionRows(db, "notes")).hasSize(2);
    }

    @Test
    void olderLayoutWithoutVersionTableIsBaselinedNotRecreated() throws Exception {
        EmbeddedDataSource db = database("old");
        // What stores created themselves before versioned schemas, with a row in it.
        execute(db, "CREATE TABLE NOTE (ID INT NOT NULL PRIMARY KEY, TEXT VARCHAR(100))");
        execute(db, "CREATE INDEX NOTE_BY_TEXT ON NOTE (TEXT)");
        execute(db, "INSERT INTO NOTE (ID, TEXT) VALUES (7, 'kept')");

        assertThat(NOTES.migrate(db, "old")).isEqualTo(2);

        assertThat(versionRows(db, "notes")).containsExactly("1 notes table baselined", "2 note author applied");
        assertThat(query(db, "SELECT TEXT FROM NOTE WHERE ID = 7")).isEqualTo("kept");
    }

    @Test
    void failingMigrationLeavesTheVersionAndTheTablesAsTheyWere() throws Exception {
        EmbeddedDataSource db = database("failing");
        Schema broken = Schema.named("notes")
            .baseline("notes table", List.of(DbObject.table("NOTE")), "CREATE TABLE NOTE (ID INT NOT NULL PRIMARY KEY)")
            // The first statement succeeds, the second fails: the first must not survive.
            .migration(Migration.sql(2, "tags", "CREATE TABLE NOTE_TAG (ID INT)", "ALTER TABLE NO_SUCH_TABLE ADD COLUMN X INT"));

        assertThatThrownBy(() -> broken.migrate(db, "DATA/derby/test"))
            .isInstanceOf(SchemaMigrationException.class)
            .hasMessageStartingWith("schema 'notes' in DATA/derby/test: migration 2 (tags) failed: ")
            .hasMessageContaining("NO_SUCH_TABLE")
            .hasMessageEndingWith("The database stays at version 1 and nothing of migration 2 was kept; "
                + "remove the cause and start again");

        assertThat(broken.currentVersion(db)).isEqualTo(1);
        assertThat(tableExists(db, "NOTE_TAG")).as("the failed migration's first statement was rolled back").isFalse();
        Schema fixed = Schema.named("notes")
            .baseline("notes table", List.of(DbObject.table("NOTE")), "CREATE TABLE NOTE (ID INT NOT NULL PRIMARY KEY)")
            .migration(Migration.sql(2, "tags", "CREATE TABLE NOTE_TAG (ID INT)"));
        assertThat(fixed.migrate(db, "DATA/derby/test")).isEqualTo(2);
        assertThat(tableExists(db, "NOTE_TAG")).isTrue();
    }

    @Test
    void failingJavaStepIsRolledBackToo() throws Exception {
        EmbeddedDataSource db = database("java");
        Schema schema = Schema.named("notes")
            .baseline("notes table", List.of(DbObject.table("NOTE")), "CREATE TABLE NOTE (ID INT NOT NULL PRIMARY KEY)")
            .migration(new Migration(2, "seed", c -> {
                try (Statement s = c.createStatement()) {
                    s.executeUpdate("INSERT INTO NOTE (ID) VALUES (1)");
                }
                throw new IllegalStateException("seed file missing");
            }));

        assertThatThrownBy(() -> schema.migrate(db, "db"))
            .isInstanceOf(SchemaMigrationException.class)
            .hasMessageContaining("migration 2 (seed) failed: java.lang.IllegalStateException: seed file missing");
        assertThat(schema.currentVersion(db)).isEqualTo(1);
        assertThat(query(db, "SELECT COUNT(*) FROM NOTE")).isEqualTo("0");
    }

    @Test
    void partOfTheBaselineIsAnUnknownLayoutAndStops() throws Exception {
        EmbeddedDataSource db = database("partial");
        execute(db, "CREATE TABLE NOTE (ID INT NOT NULL PRIMARY KEY, TEXT VARCHAR(100))"); // but no index NOTE_BY_TEXT

        assertThatThrownBy(() -> NOTES.migrate(db, "DATA/derby/civicmail"))
            .isInstanceOf(SchemaMigrationException.class)
            .hasMessage("schema 'notes' in DATA/derby/civicmail has no version yet and only part of its first layout: "
                + "[table NOTE, column NOTE.TEXT] present, [index NOTE_BY_TEXT] missing. It was made by an unreleased build; "
                + "move that data directory away (or restore a backup) and start again");
        assertThat(NOTES.currentVersion(db)).isZero();
    }

    @Test
    void databaseOfANewerReleaseIsRefused() throws Exception {
        EmbeddedDataSource db = database("newer");
        NOTES.migrate(db, "newer");
        Schema older = Schema.named("notes")
            .baseline("notes table", List.of(DbObject.table("NOTE")), "CREATE TABLE NOTE (ID INT NOT NULL PRIMARY KEY)");

        assertThatThrownBy(() -> older.migrate(db, "DATA/derby/civicmail"))
            .isInstanceOf(SchemaMigrationException.class)
            .hasMessage("the database DATA/derby/civicmail holds version 2 of schema 'notes', newer than this CivicMail "
                + "knows (1): it was written by a newer release; run that release or restore the backup made before the upgrade");
    }

    @Test
    void schemasInOneDatabaseHaveTheirOwnVersions() throws Exception {
        EmbeddedDataSource db = database("two");
        Schema other = Schema.named("other").baseline("other table", List.of(DbObject.table("OTHER")), "CREATE TABLE OTHER (ID INT)");

        NOTES.migrate(db, "two");
        other.migrate(db, "two");

        assertThat(NOTES.currentVersion(db)).isEqualTo(2);
        assertThat(other.currentVersion(db)).isEqualTo(1);
    }

    @Test
    void declarationsOutOfOrderAreRefusedWhenWritten() {
        Schema s = Schema.named("notes").baseline("b", List.of(), "CREATE TABLE NOTE (ID INT)");
        assertThatThrownBy(() -> s.migration(Migration.sql(3, "skips two", "DROP TABLE NOTE")))
            .hasMessage("schema notes: migration 'skips two' has version 3, the next one must be 2");
        assertThatThrownBy(() -> Schema.named("Notes"))
            .hasMessage("schema name 'Notes': use lower case letters, digits and '-' (at most 64)");
    }

    private EmbeddedDataSource database(String name) {
        EmbeddedDataSource ds = new EmbeddedDataSource();
        ds.setDatabaseName(tmp.resolve(name).toString());
        ds.setCreateDatabase("create");
        return ds;
    }

    private static void execute(EmbeddedDataSource db, String sql) throws SQLException {
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static String query(EmbeddedDataSource db, String sql) throws SQLException {
        try (Connection c = db.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static boolean tableExists(EmbeddedDataSource db, String table) throws SQLException {
        try (Connection c = db.getConnection(); ResultSet rs = c.getMetaData().getTables(null, null, table, null)) {
            return rs.next();
        }
    }

    private static List<String> versionRows(EmbeddedDataSource db, String schema) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = db.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT VERSION, NAME, BASELINED FROM CM_SCHEMA_VERSION WHERE SCHEMA_NAME = '"
                 + schema + "' ORDER BY VERSION")) {
            while (rs.next()) {
                rows.add(rs.getInt(1) + " " + rs.getString(2) + " " + (rs.getBoolean(3) ? "baselined" : "applied"));
            }
        }
        return rows;
    }
}

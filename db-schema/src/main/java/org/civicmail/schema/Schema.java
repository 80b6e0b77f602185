package org.civicmail.schema;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The versioned layout of one group of our tables (say "broadcast") in one database: migration 1 is the baseline,
 * each later one changes the layout by one named step. {@link #migrate} brings a database to the latest version,
 * recording every applied migration in {@code CM_SCHEMA_VERSION} (one row per schema and version), one transaction
 * per migration: a migration that fails leaves the database at the version before it and stops with a message.
 *
 * <p>Databases made before versions existed carry the baseline's tables without version rows: when every object the
 * baseline names is present, version 1 is recorded without running it ("baselined"); when only some are, the
 * layout is one we do not know and migrating stops rather than guess.
 *
 * <p>Immutable; {@link #migration} returns a new schema. Thread-safe: migrations of one JVM run one at a time.
 * <pre>{@code
 * static final Schema BROADCAST = Schema.named("broadcast")
 *     .baseline("jobs and recipients", List.of(DbObject.table("BC_JOB")), "CREATE TABLE BC_JOB (...)")
 *     .migration(Migration.sql(2, "job priority", "ALTER TABLE BC_JOB ADD COLUMN PRIORITY INT"));
 * }</pre>
 */
public final class Schema {
    /** The version table, one per database, shared by every schema in it. */
    public static final String VERSION_TABLE = "CM_SCHEMA_VERSION";
    private static final Logger LOG = LoggerFactory.getLogger(Schema.class);
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,63}");
    private static final String TABLE_EXISTS = "X0Y32";
    private static final Object LOCK = new Object();

    private final String name;
    private final List<DbObject> baselineObjects;
    private final List<Migration> migrations;

    private Schema(String name, List<DbObject> baselineObjects, List<Migration> migrations) {
        this.name = name;
        this.baselineObjects = List.copyOf(baselineObjects);
        this.migrations = List.copyOf(migrations);
    }

    /** A schema without migrations yet; {@code name} is lower case letters, digits and '-'. */
    public static Schema named(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("schema name '" + name + "': use lower case letters, digits and '-' (at most 64)");
        }
        return new Schema(name, List.of(), List.of());
    }

    /**
     * Migration 1. {@code presentInOlderLayouts} are the objects that show an older data directory already holds it
     * (every table, column and index it creates that later migrations do not remove).
     */
    public Schema baseline(String migrationName, List<DbObject> presentInOlderLayouts, String... statements) {
        if (!migrations.isEmpty()) {
            throw new IllegalStateException("schema " + name + ": the baseline is migration 1, declare it first");
        }
        return new Schema(name, presentInOlderLayouts, List.of(Migration.sql(1, migrationName, statements)));
    }

    /** The next migration; versions follow each other without gaps, so the order is the version order. */
    public Schema migration(Migration next) {
        int expected = migrations.size() + 1;
        if (next.version() != expected) {
            throw new IllegalArgumentException("schema " + name + ": migration '" + next.name() + "' has version "
                + next.version() + ", the next one must be " + expected);
        }
        List<Migration> all = new ArrayList<>(migrations);
        all.add(next);
        return new Schema(name, baselineObjects, all);
    }

    public String name() {
        return name;
    }

    /** The version this code expects: the number of the last migration. */
    public int latestVersion() {
        return migrations.size();
    }

    /**
     * Brings {@code database} to {@link #latestVersion()} and returns it.
     *
     * @param where names the database in messages (its directory)
     * @throws SchemaMigrationException when a migration fails (the database stays at the version before it), when
     *     the database was written by a newer version, or when it holds part of the baseline only
     */
    public int migrate(DataSource database, String where) {
        synchronized (LOCK) {
            try (Connection c = database.getConnection()) {
                ensureVersionTable(c);
                int current = currentVersion(c);
                if (current > latestVersion()) {
                    throw new SchemaMigrationException("the database " + where + " holds version " + current + " of schema '"
                        + name + "', newer than this CivicMail knows (" + latestVersion() + "): it was written by a newer "
                        + "release; run that release or restore the backup made before the upgrade");
                }
                if (current == 0 && baselinePresent(c, where)) {
                    record(c, migrations.get(0), true);
                    LOG.info("Schema {} in {}: existing tables recognised as version 1 ({})", name, where, migrations.get(0).name());
                    current = 1;
                }
                for (Migration m : migrations.subList(current, migrations.size())) {
                    apply(c, m, where);
                }
                return latestVersion();
            } catch (SQLException e) {
                throw new SchemaMigrationException("cannot read the schema versions of '" + name + "' in " + where + ": "
                    + e.getMessage() + " (SQLState " + e.getSQLState() + ")", e);
            }
        }
    }

    /** The version recorded in {@code database}, 0 when none. */
    public int currentVersion(DataSource database) throws SQLException {
        try (Connection c = database.getConnection()) {
            ensureVersionTable(c);
            return currentVersion(c);
        }
    }

    private void apply(Connection c, Migration m, String where) throws SQLException {
        c.setAutoCommit(false);
        try {
            m.step().apply(c);
            record(c, m, false);
            c.commit();
            LOG.info("Schema {} in {}: migration {} applied ({})", name, where, m.version(), m.name());
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            String cause = e instanceof SQLException s ? s.getMessage() + " (SQLState " + s.getSQLState() + ")" : String.valueOf(e);
            throw new SchemaMigrationException("schema '" + name + "' in " + where + ": migration " + m.version() + " ("
                + m.name() + ") failed: " + cause + ". The database stays at version " + (m.version() - 1)
                + " and nothing of migration " + m.version() + " was kept; remove the cause and start again", e);
        } finally {
            c.setAutoCommit(true);
        }
    }

    private boolean baselinePresent(Connection c, String where) throws SQLException {
        if (baselineObjects.isEmpty()) {
            return false;
        }
        List<DbObject> present = new ArrayList<>();
        List<DbObject> missing = new ArrayList<>();
        for (DbObject o : baselineObjects) {
            (o.existsIn(c) ? present : missing).add(o);
        }
        if (!present.isEmpty() && !missing.isEmpty()) {
            throw new SchemaMigrationException("schema '" + name + "' in " + where + " has no version yet and only part of "
                + "its first layout: " + present + " present, " + missing + " missing. It was made by an unreleased "
                + "build; move that data directory away (or restore a backup) and start again");
        }
        return missing.isEmpty();
    }

    private int currentVersion(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT MAX(VERSION) FROM " + VERSION_TABLE + " WHERE SCHEMA_NAME = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private void record(Connection c, Migration m, boolean baselined) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + VERSION_TABLE
                + " (SCHEMA_NAME, VERSION, NAME, APPLIED_AT, BASELINED) VALUES (?, ?, ?, ?, ?)")) {
            ps.setString(1, name);
            ps.setInt(2, m.version());
            ps.setString(3, m.name().length() > 300 ? m.name().substring(0, 300) : m.name());
            ps.setTimestamp(4, Timestamp.from(Instant.now()));
            ps.setBoolean(5, baselined);
            ps.executeUpdate();
        }
    }

    private static void ensureVersionTable(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE " + VERSION_TABLE + " (SCHEMA_NAME VARCHAR(64) NOT NULL, VERSION INT NOT NULL, "
                + "NAME VARCHAR(300) NOT NULL, APPLIED_AT TIMESTAMP NOT NULL, BASELINED BOOLEAN NOT NULL, "
                + "PRIMARY KEY (SCHEMA_NAME, VERSION))");
        } catch (SQLException e) {
            if (!TABLE_EXISTS.equals(e.getSQLState())) {
                throw e;
            }
        }
    }
}

package org.civicmail.login;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import javax.inject.Inject;
import javax.inject.Singleton;

import org.apache.james.core.Username;
import org.civicmail.james.JamesDatabase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link StoredPasswords} read from James 3.8.1's JPA user table ({@code JAMES_USER}: {@code USER_NAME},
 * {@code PASSWORD}, {@code PASSWORD_HASH_ALGORITHM}), one primary-key look-up per login. James's table is James's:
 * before the first read the live schema is checked ({@link DatabaseMetaData}) against those columns; when it differs
 * (another James version) this says so once and answers {@link StoredPasswords#NONE}'s empty from then on. While the
 * table does not exist yet (James creates it with its first user) the answer is empty and the check is repeated.
 * A failed read is an empty answer (the login then takes the full check), logged once. Thread-safe.
 */
@Singleton
public final class JamesUserTable implements StoredPasswords {
    private static final Logger LOG = LoggerFactory.getLogger(JamesUserTable.class);
    static final String TABLE = "JAMES_USER";
    static final List<String> COLUMNS = List.of("USER_NAME", "PASSWORD", "PASSWORD_HASH_ALGORITHM");
    private static final String QUERY = "SELECT PASSWORD_HASH_ALGORITHM, PASSWORD FROM JAMES_USER WHERE USER_NAME = ?";

    private enum Schema { UNCHECKED, AS_EXPECTED, DIFFERENT }

    private final JamesDatabase database;
    private volatile Schema schema = Schema.UNCHECKED;
    private volatile boolean readFailureLogged;

    @Inject
    public JamesUserTable(JamesDatabase database) {
        this.database = database;
    }

    @Override
    public Optional<String> current(String user) {
        String name;
        try {
            name = Username.of(user).asString(); // the key James's JPAUsersDAO looks the user up by
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        try (Connection c = database.connection()) {
            if (schema == Schema.UNCHECKED) {
                schema = check(c.getMetaData());
            }
            if (schema != Schema.AS_EXPECTED) {
                return Optional.empty();
            }
            try (PreparedStatement s = c.prepareStatement(QUERY)) {
                s.setString(1, name);
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? Optional.of(r.getString(1) + ":" + r.getString(2)) : Optional.empty();
                }
            }
        } catch (SQLException e) {
            if (!readFailureLogged) {
                readFailureLogged = true;
                LOG.warn("Could not read {} in {} ({}); logins take the full password check", TABLE, database.location(),
                    e.getMessage());
            }
            return Optional.empty();
        }
    }

    /** UNCHECKED while the table is not there yet; DIFFERENT (with one warning) when its columns are not James 3.8.1's. */
    private Schema check(DatabaseMetaData meta) throws SQLException {
        Set<String> columns = new HashSet<>();
        try (ResultSet r = meta.getColumns(null, "APP", TABLE, null)) {
            while (r.next()) {
                columns.add(r.getString("COLUMN_NAME").toUpperCase(Locale.ROOT));
            }
        }
        if (columns.isEmpty()) {
            return Schema.UNCHECKED;
        }
        if (!columns.containsAll(COLUMNS)) {
            LOG.warn("James's user table {} has columns {}, not {} as in James 3.8.1: recently verified passwords are not "
                + "remembered; every login takes the full password check", TABLE, columns, COLUMNS);
            return Schema.DIFFERENT;
        }
        return Schema.AS_EXPECTED;
    }
}

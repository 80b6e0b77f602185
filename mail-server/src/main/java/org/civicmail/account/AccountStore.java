package org.civicmail.account;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import javax.inject.Inject;
import javax.inject.Singleton;

import org.civicmail.ca.PersonName;
import org.civicmail.schema.DbObject;
import org.civicmail.schema.Migration;
import org.civicmail.schema.Schema;
import org.civicmail.server.CivicDatabase;

/** Accounts and their identity in CivicMail's Derby database (table CM_ACCOUNT). */
@Singleton
public class AccountStore {
    private static final String COLUMNS =
        "ADDRESS, CLASS, NAME, ID_NUMBER, TAGS, CREDIT_CODE, AGENCY, EMPLOYEE_NO, MAY_BROADCAST, DISABLED";

    /** Table CM_ACCOUNT; a change of layout is the next {@code .migration(...)} (ARCHITECTURE.md, Schemas). */
    static final Schema SCHEMA = Schema.named("accounts")
        .baseline("accounts",
            List.of(DbObject.table("CM_ACCOUNT"), DbObject.index("CM_ACCOUNT_CLASS"), DbObject.index("CM_ACCOUNT_DISABLED")),
            "CREATE TABLE CM_ACCOUNT ("
                + "ADDRESS VARCHAR(254) NOT NULL PRIMARY KEY, CLASS VARCHAR(16) NOT NULL, NAME VARCHAR(200) NOT NULL, "
                + "ID_NUMBER CHAR(18) UNIQUE, TAGS VARCHAR(2000), CREDIT_CODE CHAR(18) UNIQUE, AGENCY VARCHAR(200), "
                + "EMPLOYEE_NO VARCHAR(200), MAY_BROADCAST BOOLEAN NOT NULL, DISABLED BOOLEAN NOT NULL, "
                + "CREATED_AT TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP)",
            "CREATE INDEX CM_ACCOUNT_CLASS ON CM_ACCOUNT(CLASS)",
            // Every broadcast batch asks which accounts are disabled: without an index that scans all citizens.
            "CREATE INDEX CM_ACCOUNT_DISABLED ON CM_ACCOUNT(DISABLED)")
        // Surname and given name of a person's account, as their certificates carry them (S/MIME BR §7.1.4.2.2(e)).
        // A table of its own: accounts made before it have no row and get PersonName#derive.
        .migration(Migration.sql(2, "person names", "CREATE TABLE CM_PERSON_NAME (ADDRESS VARCHAR(254) NOT NULL PRIMARY KEY, "
            + "SURNAME VARCHAR(64) NOT NULL, GIVEN_NAME VARCHAR(64))"));

    private final CivicDatabase db;
    /** See {@link #generation}. */
    private final AtomicLong generation = new AtomicLong();

    @Inject
    public AccountStore(CivicDatabase db) {
        this.db = db;
        SCHEMA.migrate(db.dataSource(), db.location());
    }

    /** Inserts inside the caller's transaction, so the caller can undo it if James refuses the user. */
    public void insert(Connection c, Account a) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO CM_ACCOUNT (" + COLUMNS + ") VALUES (?,?,?,?,?,?,?,?,?,?)")) {
            ps.setString(1, a.address());
            ps.setString(2, a.accountClass().cliName());
            ps.setString(3, a.name());
            setOptional(ps, 4, a.idNumber().map(ResidentIdNumber::value));
            ps.setString(5, a.tags().isEmpty() ? null : ";" + String.join(";", a.tags()) + ";");
            setOptional(ps, 6, a.creditCode().map(UnifiedSocialCreditCode::value));
            setOptional(ps, 7, a.agency());
            setOptional(ps, 8, a.employeeNo());
            ps.setBoolean(9, a.mayBroadcast());
            ps.setBoolean(10, a.disabled());
            ps.executeUpdate();
        } finally {
            // Committed now when the connection commits each statement; a caller's transaction calls changed() again.
            changed();
        }
    }

    /** Stores the surname and given name of a new account inside the caller's transaction. */
    public void insertPersonName(Connection c, String address, PersonName name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO CM_PERSON_NAME (ADDRESS, SURNAME, GIVEN_NAME) VALUES (?,?,?)")) {
            ps.setString(1, address);
            ps.setString(2, name.surname());
            setOptional(ps, 3, Optional.ofNullable(name.givenName()));
            ps.executeUpdate();
        }
    }

    /** Replaces the stored surname and given name of an existing account ({@code account set}). */
    public void setPersonName(String address, PersonName name) {
        db.inTransaction("cannot store the name of " + address, c -> {
            try (PreparedStatement del = c.prepareStatement("DELETE FROM CM_PERSON_NAME WHERE ADDRESS = ?")) {
                del.setString(1, address);
                del.executeUpdate();
            }
            insertPersonName(c, address, name);
        });
    }

    /** The stored surname and given name, if the account has them (accounts made before they were stored have not). */
    public Optional<PersonName> personName(String address) {
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("SELECT SURNAME, GIVEN_NAME FROM CM_PERSON_NAME WHERE ADDRESS = ?")) {
            ps.setString(1, address.toLowerCase(java.util.Locale.ROOT));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(PersonName.of(rs.getString(1), rs.getString(2))) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the name of " + address + ": " + e.getMessage(), e);
        }
    }

    private static void setOptional(PreparedStatement ps, int index, Optional<String> value) throws SQLException {
        if (value.isPresent()) {
            ps.setString(index, value.get());
        } else {
            ps.setNull(index, Types.VARCHAR);
        }
    }

    public Optional<Account> find(String address) {
        List<Account> found = query("WHERE ADDRESS = ?", address.toLowerCase(java.util.Locale.ROOT));
        return found.stream().findFirst();
    }

    public Optional<Account> findByIdNumber(String idNumber) {
        return query("WHERE ID_NUMBER = ?", idNumber).stream().findFirst();
    }

    /**
     * The accounts that these lower-case addresses and resident ID numbers name: each one found, mapped to its
     * account's address. The caller hands a slice of a data file's rows at a time (not every account in memory); each
     * key is one primary-key or unique-index look-up on one connection.
     */
    public Map<String, String> addressesOf(Collection<String> addresses, Collection<String> idNumbers) {
        Map<String, String> found = new HashMap<>();
        lookUp("ADDRESS", addresses, found);
        lookUp("ID_NUMBER", idNumbers, found);
        return found;
    }

    /**
     * One indexed look-up per distinct key on one prepared statement. Why not {@code WHERE column IN (?, …)} in slices
     * of 500, as before: Derby's optimizer chose a table scan of CM_ACCOUNT for every slice (its plan, logged with
     * {@code derby.language.logQueryPlan}: "Table Scan ResultSet for CM_ACCOUNT", 4,001 rows seen per slice at 4,000
     * accounts), which made a personalised broadcast's validation and storing quadratic in the city's size.
     */
    private void lookUp(String column, Collection<String> keys, Map<String, String> found) {
        if (keys.isEmpty()) {
            return;
        }
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("SELECT " + column + ", ADDRESS FROM CM_ACCOUNT WHERE " + column + " = ?")) {
            for (String key : new LinkedHashSet<>(keys)) {
                ps.setString(1, key);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        found.put(rs.getString(1), rs.getString(2));
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read accounts: " + e.getMessage(), e);
        }
    }

    public Optional<Account> findByCreditCode(String code) {
        return query("WHERE CREDIT_CODE = ?", code).stream().findFirst();
    }

    public List<Account> list(Optional<AccountClass> cls, int offset, int limit) {
        String where = cls.map(c -> "WHERE CLASS = ?").orElse("");
        String sql = where + " ORDER BY ADDRESS OFFSET " + offset + " ROWS FETCH NEXT " + limit + " ROWS ONLY";
        return cls.map(c -> query(sql, c.cliName())).orElseGet(() -> query(sql));
    }

    /** Streams every enabled account of a class carrying any of the tags (all of the class when tags is empty). */
    public void forEach(AccountClass cls, List<String> anyOfTags, Consumer<Account> action) {
        select(COLUMNS, cls, anyOfTags, rs -> action.accept(read(rs)));
    }

    /**
     * The addresses {@link #forEach} would stream, in the same order: an audience of 100,000 needs only these, and
     * reading and sorting whole rows took most of the second it costs.
     */
    public void forEachAddress(AccountClass cls, List<String> anyOfTags, Consumer<String> action) {
        select("ADDRESS", cls, anyOfTags, rs -> action.accept(rs.getString(1)));
    }

    /** How many addresses {@link #forEachAddress} would stream (counted, not read: no sort). */
    public int countAddresses(AccountClass cls, List<String> anyOfTags) {
        int[] count = {0};
        select("COUNT(*)", cls, anyOfTags, "", rs -> count[0] = rs.getInt(1));
        return count[0];
    }

    /** The first address {@link #forEachAddress} would stream. */
    public Optional<String> firstAddress(AccountClass cls, List<String> anyOfTags) {
        String[] first = {null};
        select("MIN(ADDRESS)", cls, anyOfTags, "", rs -> first[0] = rs.getString(1));
        return Optional.ofNullable(first[0]);
    }

    @FunctionalInterface
    private interface RowAction {
        void accept(ResultSet rs) throws SQLException;
    }

    private void select(String columns, AccountClass cls, List<String> anyOfTags, RowAction action) {
        select(columns, cls, anyOfTags, " ORDER BY ADDRESS", action);
    }

    private void select(String columns, AccountClass cls, List<String> anyOfTags, String order, RowAction action) {
        StringBuilder where = new StringBuilder("WHERE CLASS = ? AND DISABLED = FALSE");
        List<String> params = new ArrayList<>(List.of(cls.cliName()));
        if (!anyOfTags.isEmpty()) {
            // LOCATE, not LIKE '%;tag;%': a tag may hold '_' or '%', which LIKE would read as wildcards (a wider
            // audience); and with the pattern a parameter Derby computes LIKE's index bounds for every row, padding
            // the pattern to the column's 2,000 characters (~12 KB allocated per row and tag: 1.7 GB of garbage to
            // count and stream an audience of 100,000, JFR).
            where.append(" AND (");
            for (int i = 0; i < anyOfTags.size(); i++) {
                where.append(i == 0 ? "" : " OR ").append("LOCATE(?, TAGS) > 0");
                params.add(";" + anyOfTags.get(i) + ";");
            }
            where.append(")");
        }
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("SELECT " + columns + " FROM CM_ACCOUNT " + where + order)) {
            for (int i = 0; i < params.size(); i++) {
                ps.setString(i + 1, params.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    action.accept(rs);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read accounts: " + e.getMessage(), e);
        }
    }

    /** Addresses of the disabled accounts (served by the CM_ACCOUNT_DISABLED index: few rows, whatever the city's size). */
    public Set<String> disabledAddresses() {
        Set<String> disabled = new HashSet<>();
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("SELECT ADDRESS FROM CM_ACCOUNT WHERE DISABLED = TRUE");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                disabled.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read disabled accounts: " + e.getMessage(), e);
        }
        return disabled;
    }

    public void setDisabled(String address, boolean disabled) {
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("UPDATE CM_ACCOUNT SET DISABLED = ? WHERE ADDRESS = ?")) {
            ps.setBoolean(1, disabled);
            ps.setString(2, address);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot update account " + address + ": " + e.getMessage(), e);
        } finally {
            changed();
        }
    }

    public void delete(String address) {
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("DELETE FROM CM_ACCOUNT WHERE ADDRESS = ?")) {
            ps.setString(1, address);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot delete account " + address + ": " + e.getMessage(), e);
        } finally {
            changed();
        }
    }

    /**
     * A number that changes after every committed change of the account table. This process is the table's only
     * writer (embedded Derby admits one process) and every write goes through this store, so a cache of accounts
     * (the registered organisation names) can keep what it loaded until this moves, without a query per message.
     * A cache takes the generation before it loads: a change committed during the load moves it afterwards, and the
     * next look-up loads again.
     */
    public long generation() {
        return generation.get();
    }

    /**
     * Tells the store that its table changed: {@link #insert} into a transaction of the caller's counts only once
     * the caller has committed (or rolled back), so the caller calls this then.
     */
    public void changed() {
        generation.incrementAndGet();
    }

    public long count() {
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM CM_ACCOUNT");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot count accounts: " + e.getMessage(), e);
        }
    }

    private List<Account> query(String where, String... params) {
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM CM_ACCOUNT " + where)) {
            for (int i = 0; i < params.length; i++) {
                ps.setString(i + 1, params[i]);
            }
            List<Account> result = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    result.add(read(rs));
                }
            }
            return result;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read accounts: " + e.getMessage(), e);
        }
    }

    private static Account read(ResultSet rs) throws SQLException {
        String tags = rs.getString("TAGS");
        return new Account(
            rs.getString("ADDRESS"),
            AccountClass.parse(rs.getString("CLASS")),
            rs.getString("NAME"),
            Optional.ofNullable(rs.getString("ID_NUMBER")).map(ResidentIdNumber::parse),
            tags == null ? List.of() : Arrays.stream(tags.split(";")).filter(t -> !t.isEmpty()).toList(),
            Optional.ofNullable(rs.getString("CREDIT_CODE")).map(UnifiedSocialCreditCode::parse),
            Optional.ofNullable(rs.getString("AGENCY")),
            Optional.ofNullable(rs.getString("EMPLOYEE_NO")),
            rs.getBoolean("MAY_BROADCAST"),
            rs.getBoolean("DISABLED"));
    }
}

package org.civicmail.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import org.apache.derby.jdbc.EmbeddedDataSource;
import org.civicmail.broadcast.store.BroadcastStore;
import org.civicmail.ca.store.DerbyCertificateStore;
import org.civicmail.account.AccountStore;
import org.civicmail.james.JamesDatabase;
import org.civicmail.james.JamesSchemaAdditions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real schemas of both databases on a fresh data directory and on one made before versioned schemas (tables
 * present, no version table). James's own tables are stood in for by the columns our additions touch; the ITs run
 * the same migrations on James's real tables at every start.
 */
class SchemaVersionsTest {
    @TempDir
    Path tmp;

    @Test
    void freshCivicDatabaseGetsEverySchemaApplied() throws Exception {
        CivicDatabase db = new CivicDatabase(new DataDirectory(tmp));

        new AccountStore(db);
        new BroadcastStore(db);
        new DerbyCertificateStore(db.dataSource());

        assertThat(versions(db.dataSource())).containsExactlyInAnyOrder(
            "accounts 1 applied", "accounts 2 applied", "broadcast 1 applied", "broadcast 2 applied", "broadcast 3 applied",
            "ca 1 applied", "ca 2 applied");
        assertThat(count(db.dataSource(), "SELECT COUNT(*) FROM BC_JOB WHERE STOP_REASON IS NULL")).isZero();
        assertThat(pageSizes(db.dataSource(), "BC_RECIPIENT")).as("heap and primary key of BC_RECIPIENT").containsOnly(4096);
        assertThat(pageSizes(db.dataSource(), "BC_JOB")).as("other tables keep Derby's choice").contains(32768);
    }

    @Test
    void civicDatabaseOfAnOlderLayoutIsBaselinedWithItsData() throws Exception {
        CivicDatabase db = new CivicDatabase(new DataDirectory(tmp));
        // What AccountStore, BroadcastStore and DerbyCertificateStore created before versioned schemas.
        execute(db.dataSource(),
            "CREATE TABLE CM_ACCOUNT (ADDRESS VARCHAR(254) NOT NULL PRIMARY KEY, CLASS VARCHAR(16) NOT NULL, "
                + "NAME VARCHAR(200) NOT NULL, ID_NUMBER CHAR(18) UNIQUE, TAGS VARCHAR(2000), CREDIT_CODE CHAR(18) UNIQUE, "
                + "AGENCY VARCHAR(200), EMPLOYEE_NO VARCHAR(200), MAY_BROADCAST BOOLEAN NOT NULL, DISABLED BOOLEAN NOT NULL, "
                + "CREATED_AT TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP)",
            "CREATE INDEX CM_ACCOUNT_CLASS ON CM_ACCOUNT(CLASS)",
            "CREATE INDEX CM_ACCOUNT_DISABLED ON CM_ACCOUNT(DISABLED)",
            "INSERT INTO CM_ACCOUNT (ADDRESS, CLASS, NAME, MAY_BROADCAST, DISABLED) VALUES ('a@citizen.test', 'citizen', 'A', false, false)",
            "CREATE TABLE BC_JOB (ID VARCHAR(40) NOT NULL PRIMARY KEY, AGENCY VARCHAR(254) NOT NULL, KIND VARCHAR(40) NOT NULL, "
                + "AUDIENCE VARCHAR(1000) NOT NULL, SUBJECT VARCHAR(2000) NOT NULL, TEMPLATE CLOB NOT NULL, HTML CLOB, "
                + "TEMPLATE_SHA256 CHAR(64) NOT NULL, DATA_SHA256 CHAR(64) NOT NULL, DATA_CHARSET VARCHAR(40), "
                + "ORIGIN VARCHAR(40) NOT NULL, SIGNED_NOTICE BLOB, STATE VARCHAR(16) NOT NULL, TOTAL INT NOT NULL, "
                + "CREATED_AT TIMESTAMP NOT NULL, FINISHED_AT TIMESTAMP, EVIDENCE BLOB)",
            "INSERT INTO BC_JOB (ID, AGENCY, KIND, AUDIENCE, SUBJECT, TEMPLATE, TEMPLATE_SHA256, DATA_SHA256, ORIGIN, STATE, TOTAL, "
                + "CREATED_AT) VALUES ('job-1', 'a@gov.test', 'notice', 'all', 'S', 'T', '" + "0".repeat(64) + "', '" + "0".repeat(64)
                + "', 'cli', 'done', 1, CURRENT_TIMESTAMP)",
            "CREATE TABLE BC_RECIPIENT (BC_ID VARCHAR(40) NOT NULL, SEQ INT NOT NULL, ADDRESS VARCHAR(254) NOT NULL, "
                + "ROW_NO INT NOT NULL, FIELDS LONG VARCHAR, ATTACHMENT VARCHAR(1000), STATE CHAR(1) NOT NULL, "
                + "REASON VARCHAR(1000), DELIVERED_AT TIMESTAMP, PRIMARY KEY (BC_ID, SEQ))",
            "INSERT INTO BC_RECIPIENT VALUES ('job-1', 1, 'a@citizen.test', 2, 'x'||'{\"金额\": \"12.00\"}', NULL, 'D', NULL, "
                + "TIMESTAMP('2026-11-30 10:00:00'))",
            "CREATE TABLE CA_CERTIFICATE (SERIAL VARCHAR(42) NOT NULL PRIMARY KEY, ISSUER VARCHAR(1024) NOT NULL, "
                + "SUBJECT VARCHAR(1024) NOT NULL, SAN VARCHAR(2048), PROFILE VARCHAR(32) NOT NULL, ACCOUNT VARCHAR(320), "
                + "NOT_BEFORE BIGINT NOT NULL, NOT_AFTER BIGINT NOT NULL, STATUS VARCHAR(8) NOT NULL, REVOKED_AT BIGINT, "
                + "REASON INT, CREATED BIGINT NOT NULL, DER VARCHAR(32000) FOR BIT DATA NOT NULL)",
            "CREATE INDEX CA_CERTIFICATE_ACCOUNT ON CA_CERTIFICATE (ACCOUNT)",
            "CREATE INDEX CA_CERTIFICATE_STATUS ON CA_CERTIFICATE (STATUS, ISSUER)",
            "CREATE TABLE CA_CRL (CRL_NUMBER BIGINT NOT NULL PRIMARY KEY, THIS_UPDATE BIGINT NOT NULL, "
                + "NEXT_UPDATE BIGINT NOT NULL, DER BLOB(256M) NOT NULL)",
            "CREATE TABLE CA_AUDIT_HEAD (ID INT NOT NULL PRIMARY KEY, SEQ BIGINT NOT NULL, HASH VARCHAR(64) NOT NULL)",
            "INSERT INTO CA_AUDIT_HEAD (ID, SEQ, HASH) VALUES (1, 42, 'abc')");

        AccountStore accounts = new AccountStore(db);
        new BroadcastStore(db);
        new DerbyCertificateStore(db.dataSource());

        assertThat(versions(db.dataSource())).containsExactlyInAnyOrder(
            // Baselined at the layout it had, then every later migration applied on top (person names, CRL per issuer).
            "accounts 1 baselined", "accounts 2 applied", "broadcast 1 baselined", "broadcast 2 applied", "broadcast 3 applied",
            "ca 1 baselined", "ca 2 applied");
        assertThat(accounts.find("a@citizen.test")).isPresent();
        assertThat(count(db.dataSource(), "SELECT SEQ FROM CA_AUDIT_HEAD WHERE ID = 1")).isEqualTo(42);
        // the released layout (no STOP_REASON) got the column, its job kept
        assertThat(count(db.dataSource(), "SELECT COUNT(*) FROM BC_JOB WHERE ID = 'job-1' AND STOP_REASON IS NULL")).isEqualTo(1);
        // the recipients moved to 4 KiB pages with every column of their rows
        assertThat(pageSizes(db.dataSource(), "BC_RECIPIENT")).containsOnly(4096);
        assertThat(count(db.dataSource(), "SELECT COUNT(*) FROM BC_RECIPIENT WHERE BC_ID = 'job-1' AND SEQ = 1 AND ADDRESS = 'a@citizen.test' "
            + "AND ROW_NO = 2 AND CAST(FIELDS AS VARCHAR(100)) = 'x{\"金额\": \"12.00\"}' AND ATTACHMENT IS NULL AND STATE = 'D' AND REASON IS NULL "
            + "AND DELIVERED_AT = TIMESTAMP('2026-11-30 10:00:00')")).isEqualTo(1);
    }

    @Test
    void broadcastTablesThatAlreadyHaveTheStopReasonAreBaselinedAndKeepIt() throws Exception {
        CivicDatabase db = new CivicDatabase(new DataDirectory(tmp));
        // Builds between the release and versioned schemas added STOP_REASON at start: migration 2 finds it there.
        execute(db.dataSource(),
            "CREATE TABLE BC_JOB (ID VARCHAR(40) NOT NULL PRIMARY KEY, STOP_REASON VARCHAR(1000))",
            "CREATE TABLE BC_RECIPIENT (BC_ID VARCHAR(40) NOT NULL, SEQ INT NOT NULL, "
                + "ADDRESS VARCHAR(254) NOT NULL, ROW_NO INT NOT NULL, FIELDS LONG VARCHAR, ATTACHMENT VARCHAR(1000), "
                + "STATE CHAR(1) NOT NULL, REASON VARCHAR(1000), DELIVERED_AT TIMESTAMP, PRIMARY KEY (BC_ID, SEQ))",
            "INSERT INTO BC_JOB (ID, STOP_REASON) VALUES ('job-1', 'revoked')");

        new BroadcastStore(db);

        assertThat(versions(db.dataSource())).containsExactlyInAnyOrder("broadcast 1 baselined", "broadcast 2 applied",
            "broadcast 3 applied");
        assertThat(count(db.dataSource(), "SELECT COUNT(*) FROM BC_JOB WHERE STOP_REASON = 'revoked'")).isEqualTo(1);
    }

    @Test
    void freshJamesDatabaseGetsTheAdditions() throws Exception {
        EmbeddedDataSource james = jamesStandIn();

        JamesSchemaAdditions.ensure(new JamesDatabase(tmp.resolve("james")));

        assertThat(versions(james)).containsExactlyInAnyOrder(
            "james-indexes 1 applied", "james-indexes 2 applied", "james-indexes 3 applied", "james-indexes 4 applied",
            "james-indexes 5 applied", "broadcast-journal 1 applied");
        assertThat(indexes(james)).contains("CM_MAILBOX_PATH", "CM_BC_DELIVERY_TO_INDEX").doesNotContain("I_JMS_MIL_MAIL_IS_SEEN");
        assertThat(count(james, "SELECT SEQUENCE_VALUE FROM OPENJPA_SEQUENCE_TABLE WHERE ID = 0")).isEqualTo(1);
        // Race: the migrations' later DDL on the same tables leaves the triggers' compiled actions invalid, and two
        // deliveries that fired one first at the same moment both recompiled it and deadlocked on Derby's SYSDEPENDS
        // rows (MailflowBenchIT, imaptest): the start fires each once itself, and leaves no row behind.
        assertThat(invalidTriggers(james)).isEmpty();
        assertThat(count(james, "SELECT COUNT(*) FROM JAMES_MAILBOX")).isZero();
        assertThat(count(james, "SELECT COUNT(*) FROM JAMES_MAIL")).isZero();
        assertThat(count(james, "SELECT COUNT(*) FROM CM_MAILBOX_COUNTER")).isZero();
    }

    private static List<String> invalidTriggers(javax.sql.DataSource db) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Connection c = db.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT t.TRIGGERNAME FROM SYS.SYSTRIGGERS t JOIN SYS.SYSSTATEMENTS st "
                 + "ON t.ACTIONSTMTID = st.STMTID WHERE NOT st.VALID")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }

    @Test
    void folderCountersMoveToTheirOwnRowsAndFollowFoldersMadeAndDeletedLater() throws Exception {
        EmbeddedDataSource james = jamesStandIn();
        execute(james, "INSERT INTO JAMES_MAILBOX (MAILBOX_ID, USER_NAME, MAILBOX_NAMESPACE, MAILBOX_NAME, MAILBOX_LAST_UID, "
            + "MAILBOX_HIGHEST_MODSEQ) VALUES (1, 'a@city.example', '#private', 'INBOX', 41, 97)");

        JamesSchemaAdditions.ensure(new JamesDatabase(tmp.resolve("james")));
        // A folder made after the migration (James's CREATE or the broadcast writer) gets counters as written.
        execute(james, "INSERT INTO JAMES_MAILBOX (MAILBOX_ID, USER_NAME, MAILBOX_NAMESPACE, MAILBOX_NAME) "
            + "VALUES (2, 'a@city.example', '#private', 'Archive')");

        // An existing folder's last UID carried over: a lower value would hand out UIDs its messages already have.
        assertThat(count(james, "SELECT LAST_UID FROM CM_MAILBOX_COUNTER WHERE MAILBOX_ID = 1")).isEqualTo(41);
        assertThat(count(james, "SELECT HIGHEST_MODSEQ FROM CM_MAILBOX_COUNTER WHERE MAILBOX_ID = 1")).isEqualTo(97);
        assertThat(count(james, "SELECT LAST_UID FROM CM_MAILBOX_COUNTER WHERE MAILBOX_ID = 2")).isZero();
        execute(james, "DELETE FROM JAMES_MAILBOX WHERE MAILBOX_ID = 2");
        assertThat(count(james, "SELECT COUNT(*) FROM CM_MAILBOX_COUNTER")).isEqualTo(1);
    }

    @Test
    void cascadingKeysThatAnOlderBuildsRestartBroughtBackAreDroppedAgain() throws Exception {
        EmbeddedDataSource james = jamesStandIn();
        execute(james,
            "CREATE TABLE JAMES_MAIL_PROPERTY (PROPERTY_ID BIGINT NOT NULL PRIMARY KEY, MAILBOX_ID BIGINT, MAIL_UID BIGINT)",
            "CREATE TABLE JAMES_MAIL_USERFLAG (USERFLAG_ID BIGINT NOT NULL PRIMARY KEY, MAILBOX_ID BIGINT, MAIL_UID BIGINT)");
        execute(james, CASCADING_KEYS); // as OpenJPA makes them with a new database
        JamesSchemaAdditions.ensure(new JamesDatabase(tmp.resolve("james")));
        assertThat(count(james, "SELECT COUNT(*) FROM SYS.SYSCONSTRAINTS WHERE TYPE = 'F'")).isZero();
        // What buildSchema(ForeignKeys=true) did at the next start of builds that stopped at version 4: the
        // table-locking cascades were back beside the triggers.
        execute(james, CASCADING_KEYS);
        execute(james, "DELETE FROM CM_SCHEMA_VERSION WHERE SCHEMA_NAME = 'james-indexes' AND VERSION = 5");

        JamesSchemaAdditions.ensure(new JamesDatabase(tmp.resolve("james")));

        assertThat(count(james, "SELECT COUNT(*) FROM SYS.SYSCONSTRAINTS WHERE TYPE = 'F'")).isZero();
        assertThat(versions(james)).contains("james-indexes 5 applied");
        assertThat(invalidTriggers(james)).isEmpty();
        // The triggers still do the cascades' work: a deleted message takes its property and flag rows along.
        execute(james,
            "INSERT INTO JAMES_MAILBOX (MAILBOX_ID, USER_NAME, MAILBOX_NAMESPACE, MAILBOX_NAME) VALUES (1, 'a@city.example', '#private', 'INBOX')",
            "INSERT INTO JAMES_MAIL (MAILBOX_ID, MAIL_UID) VALUES (1, 1)",
            "INSERT INTO JAMES_MAIL_PROPERTY VALUES (10, 1, 1)",
            "INSERT INTO JAMES_MAIL_USERFLAG VALUES (20, 1, 1)",
            "DELETE FROM JAMES_MAIL WHERE MAILBOX_ID = 1 AND MAIL_UID = 1");
        assertThat(count(james, "SELECT COUNT(*) FROM JAMES_MAIL_PROPERTY")).isZero();
        assertThat(count(james, "SELECT COUNT(*) FROM JAMES_MAIL_USERFLAG")).isZero();
    }

    /** James 3.8.1's three ON DELETE CASCADE keys, as OpenJPA adds them. */
    private static final String[] CASCADING_KEYS = {
        "ALTER TABLE JAMES_MAIL ADD FOREIGN KEY (MAILBOX_ID) REFERENCES JAMES_MAILBOX (MAILBOX_ID) ON DELETE CASCADE",
        "ALTER TABLE JAMES_MAIL_PROPERTY ADD FOREIGN KEY (MAILBOX_ID, MAIL_UID) REFERENCES JAMES_MAIL (MAILBOX_ID, MAIL_UID) "
            + "ON DELETE CASCADE",
        "ALTER TABLE JAMES_MAIL_USERFLAG ADD FOREIGN KEY (MAILBOX_ID, MAIL_UID) REFERENCES JAMES_MAIL (MAILBOX_ID, MAIL_UID) "
            + "ON DELETE CASCADE"};

    @Test
    void jamesDatabaseOfAnOlderLayoutIsBaselined() throws Exception {
        EmbeddedDataSource james = jamesStandIn();
        execute(james,
            "CREATE UNIQUE INDEX CM_MAILBOX_PATH ON JAMES_MAILBOX (USER_NAME, MAILBOX_NAMESPACE, MAILBOX_NAME)",
            "CREATE TABLE CM_BC_DELIVERY (BC_ID VARCHAR(64) NOT NULL, SEQ INT NOT NULL, MAILBOX_ID BIGINT NOT NULL, "
                + "MAIL_UID BIGINT NOT NULL, DELIVERED_AT TIMESTAMP NOT NULL, INDEXED SMALLINT NOT NULL DEFAULT 0, "
                + "PRIMARY KEY (BC_ID, SEQ))",
            "CREATE INDEX CM_BC_DELIVERY_TO_INDEX ON CM_BC_DELIVERY (INDEXED)",
            "INSERT INTO CM_BC_DELIVERY (BC_ID, SEQ, MAILBOX_ID, MAIL_UID, DELIVERED_AT) VALUES ('b1', 1, 7, 9, CURRENT_TIMESTAMP)");

        JamesSchemaAdditions.ensure(new JamesDatabase(tmp.resolve("james")));

        assertThat(versions(james)).containsExactlyInAnyOrder(
            "james-indexes 1 baselined", "james-indexes 2 applied", "james-indexes 3 applied", "james-indexes 4 applied",
            "james-indexes 5 applied", "broadcast-journal 1 baselined");
        assertThat(count(james, "SELECT COUNT(*) FROM CM_BC_DELIVERY")).isEqualTo(1);
        assertThat(indexes(james)).doesNotContain("I_JMS_MIL_MAIL_IS_SEEN");
    }

    /** The columns and indexes of James's tables (as OpenJPA makes them) that our additions touch. */
    private EmbeddedDataSource jamesStandIn() throws SQLException {
        EmbeddedDataSource ds = new EmbeddedDataSource();
        ds.setDatabaseName(tmp.resolve("james").toString());
        ds.setUser("app");
        ds.setCreateDatabase("create");
        execute(ds,
            "CREATE TABLE JAMES_MAILBOX (MAILBOX_ID BIGINT NOT NULL PRIMARY KEY, USER_NAME VARCHAR(255), "
                + "MAILBOX_NAMESPACE VARCHAR(255) NOT NULL, MAILBOX_NAME VARCHAR(255) NOT NULL, MAILBOX_LAST_UID BIGINT, "
                + "MAILBOX_HIGHEST_MODSEQ BIGINT)",
            "CREATE TABLE JAMES_MAIL (MAILBOX_ID BIGINT NOT NULL, MAIL_UID BIGINT NOT NULL, MAIL_IS_SEEN SMALLINT, "
                + "PRIMARY KEY (MAILBOX_ID, MAIL_UID))",
            "CREATE INDEX I_JMS_MIL_MAIL_IS_SEEN ON JAMES_MAIL (MAIL_IS_SEEN)",
            "CREATE TABLE OPENJPA_SEQUENCE_TABLE (ID SMALLINT NOT NULL PRIMARY KEY, SEQUENCE_VALUE BIGINT)");
        return ds;
    }

    /** Page sizes of a table's heap and indexes (SYSCS_DIAG.SPACE_TABLE). */
    private static List<Integer> pageSizes(javax.sql.DataSource db, String table) throws SQLException {
        List<Integer> sizes = new ArrayList<>();
        try (Connection c = db.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT PAGESIZE FROM TABLE (SYSCS_DIAG.SPACE_TABLE('" + table + "')) X")) {
            while (rs.next()) {
                sizes.add(rs.getInt(1));
            }
        }
        return sizes;
    }

    private static void execute(javax.sql.DataSource db, String... statements) throws SQLException {
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    private static long count(javax.sql.DataSource db, String sql) throws SQLException {
        try (Connection c = db.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static List<String> indexes(javax.sql.DataSource db) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Connection c = db.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT CONGLOMERATENAME FROM SYS.SYSCONGLOMERATES WHERE ISINDEX")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }

    private static List<String> versions(javax.sql.DataSource db) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = db.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT SCHEMA_NAME, VERSION, BASELINED FROM CM_SCHEMA_VERSION")) {
            while (rs.next()) {
                rows.add(rs.getString(1) + " " + rs.getInt(2) + " " + (rs.getBoolean(3) ? "baselined" : "applied"));
            }
        }
        return rows;
    }
}

package org.civicmail.ca.store;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongFunction;
import javax.sql.DataSource;
import org.civicmail.ca.CaException;
import org.civicmail.ca.CertificateRecord;
import org.civicmail.ca.CertificateStatus;
import org.civicmail.ca.RevocationReason;
import org.civicmail.ca.SerialNumbers;

/**
 * {@link CertificateStore} on the host's Derby database. Brings its {@code CA_} tables to the
 * current version ({@link CaTables}). Statuses are cached in memory; this class is the only writer of the tables, so the
 * cache is updated on every write.
 */
public final class DerbyCertificateStore implements CertificateStore {
    private static final String DUPLICATE_KEY = "23505";
    private static final String COLUMNS = "SERIAL, ISSUER, SUBJECT, SAN, PROFILE, ACCOUNT, NOT_BEFORE, NOT_AFTER, STATUS,"
            + " REVOKED_AT, REASON, DER";

    private final DataSource dataSource;
    private final Map<BigInteger, CertificateStatus> statusCache = new ConcurrentHashMap<>();

    public DerbyCertificateStore(DataSource dataSource) {
        this.dataSource = dataSource;
        createTables();
    }

    private void createTables() {
        CaTables.SCHEMA.migrate(dataSource, "the CA's database");
    }

    private static String key(BigInteger serial) {
        return SerialNumbers.toHex(serial);
    }

    @Override
    public boolean insert(CertificateRecord r, byte[] der) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement p = c.prepareStatement("INSERT INTO CA_CERTIFICATE (" + COLUMNS
                     + ", CREATED) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'GOOD', NULL, NULL, ?, ?)")) {
            p.setString(1, key(r.serial()));
            p.setString(2, r.issuer());
            p.setString(3, r.subject());
            p.setString(4, r.san());
            p.setString(5, r.profile());
            p.setString(6, r.account());
            p.setLong(7, r.notBefore().toEpochMilli());
            p.setLong(8, r.notAfter().toEpochMilli());
            p.setBytes(9, der);
            p.setLong(10, System.currentTimeMillis());
            p.executeUpdate();
            statusCache.put(r.serial(), CertificateStatus.good());
            return true;
        } catch (SQLException e) {
            if (DUPLICATE_KEY.equals(e.getSQLState())) {
                return false;
            }
            throw failure("store certificate " + key(r.serial()), e);
        }
    }

    @Override
    public Optional<CertificateRecord> find(BigInteger serial) {
        List<CertificateRecord> rows = query("SELECT " + COLUMNS + " FROM CA_CERTIFICATE WHERE SERIAL = ?", key(serial));
        return rows.stream().findFirst();
    }

    @Override
    public CertificateStatus status(BigInteger serial) {
        CertificateStatus cached = statusCache.get(serial);
        if (cached != null) {
            return cached;
        }
        try (Connection c = dataSource.getConnection();
             PreparedStatement p = c.prepareStatement("SELECT STATUS, REVOKED_AT, REASON FROM CA_CERTIFICATE WHERE SERIAL = ?")) {
            p.setString(1, key(serial));
            try (ResultSet rs = p.executeQuery()) {
                if (!rs.next()) {
                    return CertificateStatus.unknown();
                }
                CertificateStatus s = status(rs.getString(1), rs.getLong(2), rs.getInt(3));
                statusCache.put(serial, s);
                return s;
            }
        } catch (SQLException e) {
            throw failure("read the status of " + key(serial), e);
        }
    }

    private static CertificateStatus status(String state, long revokedAt, int reason) {
        return "REVOKED".equals(state)
                ? CertificateStatus.revoked(Instant.ofEpochMilli(revokedAt), RevocationReason.ofCode(reason))
                : CertificateStatus.good();
    }

    @Override
    public List<CertificateRecord> byAccount(String account) {
        return query("SELECT " + COLUMNS + " FROM CA_CERTIFICATE WHERE ACCOUNT = ? ORDER BY CREATED DESC", account);
    }

    @Override
    public List<CertificateRecord> goodIssuedBy(String issuer) {
        return query("SELECT " + COLUMNS + " FROM CA_CERTIFICATE WHERE ISSUER = ? AND STATUS = 'GOOD' ORDER BY CREATED", issuer);
    }

    @Override
    public List<CertificateRecord> list(String profile, int offset, int limit) {
        String where = profile == null ? "" : " WHERE PROFILE = ?";
        String sql = "SELECT " + COLUMNS + " FROM CA_CERTIFICATE" + where + " ORDER BY CREATED DESC OFFSET " + Math.max(0, offset)
                + " ROWS FETCH NEXT " + Math.max(1, limit) + " ROWS ONLY";
        return profile == null ? query(sql) : query(sql, profile);
    }

    @Override
    public synchronized boolean revoke(BigInteger serial, Instant at, RevocationReason reason) {
        int n = update("UPDATE CA_CERTIFICATE SET STATUS = 'REVOKED', REVOKED_AT = ?, REASON = ? WHERE SERIAL = ?"
                + " AND (STATUS = 'GOOD' OR (STATUS = 'REVOKED' AND REASON = 6))", at.toEpochMilli(), reason.code(), key(serial));
        if (n == 1) {
            statusCache.put(serial, CertificateStatus.revoked(Instant.ofEpochMilli(at.toEpochMilli()), reason));
        }
        return n == 1;
    }

    @Override
    public synchronized boolean releaseHold(BigInteger serial) {
        int n = update("UPDATE CA_CERTIFICATE SET STATUS = 'GOOD', REVOKED_AT = NULL, REASON = NULL WHERE SERIAL = ?"
                + " AND STATUS = 'REVOKED' AND REASON = 6", key(serial));
        if (n == 1) {
            statusCache.put(serial, CertificateStatus.good());
        }
        return n == 1;
    }

    @Override
    public List<RevokedEntry> revoked(String issuer) {
        List<RevokedEntry> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement p = c.prepareStatement(
                     "SELECT SERIAL, REVOKED_AT, REASON FROM CA_CERTIFICATE WHERE STATUS = 'REVOKED' AND ISSUER = ?")) {
            p.setString(1, issuer);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    out.add(new RevokedEntry(new BigInteger(rs.getString(1), 16), Instant.ofEpochMilli(rs.getLong(2)),
                            RevocationReason.ofCode(rs.getInt(3))));
                }
            }
            return out;
        } catch (SQLException e) {
            throw failure("list revoked certificates", e);
        }
    }

    @Override
    public synchronized long saveCrl(String issuer, Instant thisUpdate, Instant nextUpdate, LongFunction<byte[]> crlForNumber) {
        long number = highestCrlNumber() + 1;
        byte[] der = crlForNumber.apply(number);
        try (Connection c = dataSource.getConnection();
             PreparedStatement p = c.prepareStatement("INSERT INTO CA_CRL (CRL_NUMBER, THIS_UPDATE, NEXT_UPDATE, DER, CRL_ISSUER)"
                     + " VALUES (?, ?, ?, ?, ?)")) {
            p.setLong(1, number);
            p.setLong(2, thisUpdate.toEpochMilli());
            p.setLong(3, nextUpdate.toEpochMilli());
            p.setBinaryStream(4, new ByteArrayInputStream(der), der.length);
            p.setString(5, issuer);
            p.executeUpdate();
            dropOldCrls(issuer);
            return number;
        } catch (SQLException e) {
            throw failure("store CRL " + number, e);
        }
    }

    private long highestCrlNumber() {
        try (Connection c = dataSource.getConnection();
             PreparedStatement p = c.prepareStatement("SELECT MAX(CRL_NUMBER) FROM CA_CRL");
             ResultSet rs = p.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        } catch (SQLException e) {
            throw failure("read the highest CRL number", e);
        }
    }

    /** Keeps the ten newest CRLs of {@code issuer}. */
    private void dropOldCrls(String issuer) throws SQLException {
        List<Long> numbers = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement p = c.prepareStatement("SELECT CRL_NUMBER FROM CA_CRL WHERE CRL_ISSUER = ? ORDER BY CRL_NUMBER DESC")) {
            p.setString(1, issuer);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    numbers.add(rs.getLong(1));
                }
            }
        }
        if (numbers.size() > 10) {
            update("DELETE FROM CA_CRL WHERE CRL_ISSUER = ? AND CRL_NUMBER <= ?", issuer, numbers.get(10));
        }
    }

    @Override
    public Optional<StoredCrl> latestCrl(String issuer) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement p = c.prepareStatement("SELECT CRL_NUMBER, THIS_UPDATE, NEXT_UPDATE, DER FROM CA_CRL"
                     + " WHERE CRL_ISSUER = ? ORDER BY CRL_NUMBER DESC FETCH FIRST 1 ROWS ONLY")) {
            p.setString(1, issuer);
            try (ResultSet rs = p.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new StoredCrl(rs.getLong(1), Instant.ofEpochMilli(rs.getLong(2)),
                        Instant.ofEpochMilli(rs.getLong(3)), rs.getBytes(4)));
            }
        } catch (SQLException e) {
            throw failure("read the latest CRL of " + issuer, e);
        }
    }

    @Override
    public Optional<AuditHead> auditHead() {
        try (Connection c = dataSource.getConnection();
             PreparedStatement p = c.prepareStatement("SELECT SEQ, HASH FROM CA_AUDIT_HEAD WHERE ID = 1");
             ResultSet rs = p.executeQuery()) {
            return rs.next() ? Optional.of(new AuditHead(rs.getLong(1), rs.getString(2))) : Optional.empty();
        } catch (SQLException e) {
            throw failure("read the audit head", e);
        }
    }

    @Override
    public void saveAuditHead(AuditHead head) {
        // only ever forward: concurrent appends may record their heads out of order
        if (update("UPDATE CA_AUDIT_HEAD SET SEQ = ?, HASH = ? WHERE ID = 1 AND SEQ < ?", head.sequence(), head.hash(),
                head.sequence()) == 0) {
            try {
                update("INSERT INTO CA_AUDIT_HEAD (ID, SEQ, HASH) SELECT 1, ?, ? FROM SYSIBM.SYSDUMMY1"
                        + " WHERE NOT EXISTS (SELECT 1 FROM CA_AUDIT_HEAD WHERE ID = 1)", head.sequence(), head.hash());
            } catch (CaException e) {
                if (!(e.getCause() instanceof SQLException sql && DUPLICATE_KEY.equals(sql.getSQLState()))) {
                    throw e;
                }
            }
        }
    }

    private int update(String sql, Object... args) {
        try (Connection c = dataSource.getConnection(); PreparedStatement p = c.prepareStatement(sql)) {
            bind(p, args);
            return p.executeUpdate();
        } catch (SQLException e) {
            throw failure("update the CA tables", e);
        }
    }

    private List<CertificateRecord> query(String sql, Object... args) {
        List<CertificateRecord> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement p = c.prepareStatement(sql)) {
            bind(p, args);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    out.add(new CertificateRecord(new BigInteger(rs.getString(1), 16), rs.getString(2), rs.getString(3),
                            rs.getString(4), rs.getString(5), rs.getString(6), Instant.ofEpochMilli(rs.getLong(7)),
                            Instant.ofEpochMilli(rs.getLong(8)), status(rs.getString(9), rs.getLong(10), rs.getInt(11)),
                            parse(rs.getBytes(12))));
                }
            }
            return out;
        } catch (SQLException e) {
            throw failure("read certificates", e);
        }
    }

    private static void bind(PreparedStatement p, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            if (args[i] == null) {
                p.setNull(i + 1, Types.VARCHAR);
            } else {
                p.setObject(i + 1, args[i]);
            }
        }
    }

    private static X509Certificate parse(byte[] der) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
        } catch (CertificateException e) {
            throw new CaException("a stored certificate cannot be parsed: " + e.getMessage(), e);
        }
    }

    private static CaException failure(String what, SQLException e) {
        return new CaException("cannot " + what + " in the CA database: " + e.getMessage() + " (SQLState " + e.getSQLState() + ")", e);
    }
}

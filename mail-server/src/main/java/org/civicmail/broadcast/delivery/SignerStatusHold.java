package org.civicmail.broadcast.delivery;

import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

import org.civicmail.ca.CertificateStatus;
import org.civicmail.ca.RevocationReason;
import org.civicmail.ca.SerialNumbers;
import org.civicmail.server.CivicDatabase;

/**
 * The agency's account row (CM_ACCOUNT) and its signing certificate's row (CA_CERTIFICATE, written by the CA's
 * DerbyCertificateStore) read in one REPEATABLE READ transaction of CivicMail's Derby database, whose shared row
 * locks are held until {@link #close}. A batch holds this from its status check until its mailbox transaction has
 * committed. {@code account disable} (UPDATE CM_ACCOUNT) and {@code ca revoke} (UPDATE CA_CERTIFICATE) need an
 * exclusive lock on the same row, so exactly one of two things happens: the revocation (or disable) commits first
 * and the batch reads it here and stores nothing, or it waits until the batch's copies are committed. No copy is
 * ever committed after a revocation under the revoked signature. The wait is at most one batch (well under Derby's
 * 60 s lock timeout); readers (the verifier, logins) take compatible shared locks and are not held up.
 *
 * <p>Reads the rows directly rather than through {@code CertificateAuthority#status}: the CA answers from a cache
 * that is updated after its revocation committed, which is exactly the window this closes.
 */
final class SignerStatusHold implements AutoCloseable {
    private final Connection connection;
    private final boolean accountExists;
    private final boolean accountDisabled;
    private final Optional<CertificateStatus> certificate;

    private SignerStatusHold(Connection connection, boolean accountExists, boolean accountDisabled, Optional<CertificateStatus> certificate) {
        this.connection = connection;
        this.accountExists = accountExists;
        this.accountDisabled = accountDisabled;
        this.certificate = certificate;
    }

    /** Reads both rows and keeps their locks; the caller must close it (also on failure of what it then does). */
    static SignerStatusHold take(CivicDatabase db, String agency, BigInteger serial) throws SQLException {
        Connection c = db.connection();
        try {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            boolean exists;
            boolean disabled;
            try (PreparedStatement ps = c.prepareStatement("SELECT DISABLED FROM CM_ACCOUNT WHERE ADDRESS = ?")) {
                ps.setString(1, agency);
                try (ResultSet rs = ps.executeQuery()) {
                    exists = rs.next();
                    disabled = exists && rs.getBoolean(1);
                }
            }
            Optional<CertificateStatus> status = Optional.empty();
            try (PreparedStatement ps = c.prepareStatement("SELECT STATUS, REVOKED_AT, REASON FROM CA_CERTIFICATE WHERE SERIAL = ?")) {
                ps.setString(1, SerialNumbers.toHex(serial));
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        status = Optional.of("REVOKED".equals(rs.getString(1))
                            ? CertificateStatus.revoked(Instant.ofEpochMilli(rs.getLong(2)), RevocationReason.ofCode(rs.getInt(3)))
                            : CertificateStatus.good());
                    }
                }
            }
            return new SignerStatusHold(c, exists, disabled, status);
        } catch (SQLException | RuntimeException e) {
            try {
                c.rollback();
            } finally {
                c.close();
            }
            throw e;
        }
    }

    boolean accountExists() {
        return accountExists;
    }

    boolean accountDisabled() {
        return accountDisabled;
    }

    /** The certificate's status as committed now; empty when our CA has no record of the serial. */
    Optional<CertificateStatus> certificate() {
        return certificate;
    }

    /** Ends the read-only transaction: a waiting revocation or disable goes ahead now. */
    @Override
    public void close() {
        try (Connection c = connection) {
            c.commit();
        } catch (SQLException e) {
            // Nothing was written; closing the connection ends the transaction and its locks all the same.
        }
    }
}

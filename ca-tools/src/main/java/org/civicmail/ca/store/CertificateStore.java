package org.civicmail.ca.store;

import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.civicmail.ca.CertificateRecord;
import org.civicmail.ca.CertificateStatus;
import org.civicmail.ca.RevocationReason;

/**
 * Where the CA keeps every certificate it issued, its revocation state, the CRLs and the head of
 * the audit chain. Implementations are thread-safe; {@link #status} must be cheap (it is called for
 * every OCSP request and every verified message).
 */
public interface CertificateStore {
    /** Stores a new certificate as GOOD; returns false (and stores nothing) if the serial is taken. */
    boolean insert(CertificateRecord record, byte[] der);

    Optional<CertificateRecord> find(BigInteger serial);

    CertificateStatus status(BigInteger serial);

    List<CertificateRecord> byAccount(String account);

    /** Certificates of one issuer (RFC 2253 name) that are GOOD now (not revoked, not on hold), oldest first. */
    List<CertificateRecord> goodIssuedBy(String issuer);

    /** Newest first; {@code profile} null for all profiles. */
    List<CertificateRecord> list(String profile, int offset, int limit);

    /**
     * Marks a certificate revoked if it is GOOD or on certificateHold; returns false if it was
     * not (already permanently revoked, or unknown).
     */
    boolean revoke(BigInteger serial, Instant at, RevocationReason reason);

    /** Takes a certificate off certificateHold; false if it was not on hold. */
    boolean releaseHold(BigInteger serial);

    /** Revoked certificates of one issuer (RFC 2253 name) for the CRL. */
    List<RevokedEntry> revoked(String issuer);

    record RevokedEntry(BigInteger serial, Instant revokedAt, RevocationReason reason) {
    }

    /**
     * Stores a CRL of one issuing CA ({@code issuer}: its {@link org.civicmail.ca.IssuerSlot#slug()}) and returns its
     * number, one more than the highest of any issuer (so each issuer's numbers only grow).
     */
    long saveCrl(String issuer, Instant thisUpdate, Instant nextUpdate, java.util.function.LongFunction<byte[]> crlForNumber);

    Optional<StoredCrl> latestCrl(String issuer);

    record StoredCrl(long number, Instant thisUpdate, Instant nextUpdate, byte[] der) {
    }

    Optional<AuditHead> auditHead();

    void saveAuditHead(AuditHead head);

    record AuditHead(long sequence, String hash) {
    }
}

package org.civicmail.ca;

import java.time.Instant;
import java.util.Optional;

/**
 * What the CA knows about a serial number: GOOD, REVOKED (with time and reason) or UNKNOWN
 * (never issued by this CA). Immutable.
 */
public final class CertificateStatus {
    public enum State { GOOD, REVOKED, UNKNOWN }

    private static final CertificateStatus GOOD = new CertificateStatus(State.GOOD, null, null);
    private static final CertificateStatus UNKNOWN = new CertificateStatus(State.UNKNOWN, null, null);

    private final State state;
    private final Instant revokedAt;
    private final RevocationReason reason;

    private CertificateStatus(State state, Instant revokedAt, RevocationReason reason) {
        this.state = state;
        this.revokedAt = revokedAt;
        this.reason = reason;
    }

    public static CertificateStatus good() {
        return GOOD;
    }

    public static CertificateStatus unknown() {
        return UNKNOWN;
    }

    public static CertificateStatus revoked(Instant at, RevocationReason reason) {
        return new CertificateStatus(State.REVOKED, at, reason);
    }

    public State state() {
        return state;
    }

    public boolean isGood() {
        return state == State.GOOD;
    }

    public boolean isRevoked() {
        return state == State.REVOKED;
    }

    public Optional<Instant> revokedAt() {
        return Optional.ofNullable(revokedAt);
    }

    public Optional<RevocationReason> reason() {
        return Optional.ofNullable(reason);
    }

    @Override
    public String toString() {
        return state == State.REVOKED ? "revoked at " + revokedAt + " (" + reason + ")" : state.name().toLowerCase();
    }
}

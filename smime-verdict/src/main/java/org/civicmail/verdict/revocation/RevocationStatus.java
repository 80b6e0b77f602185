package org.civicmail.verdict.revocation;

import java.time.Instant;
import java.util.Optional;

/**
 * What the certificate's issuer says about it, or that no usable answer was had.
 *
 * @param state     GOOD, REVOKED, NOT_ISSUED (the issuer answered it has no such certificate) or UNKNOWN (no usable answer)
 * @param revokedAt for REVOKED
 * @param reason    the RFC 5280 reason name for REVOKED (e.g. keyCompromise), when given
 * @param detail    why the status is UNKNOWN, for logs and the verdict's detail
 */
public record RevocationStatus(State state, Optional<Instant> revokedAt, Optional<String> reason, String detail) {

    public enum State { GOOD, REVOKED, NOT_ISSUED, UNKNOWN }

    public static RevocationStatus good() {
        return new RevocationStatus(State.GOOD, Optional.empty(), Optional.empty(), "");
    }

    public static RevocationStatus revoked(Instant at, String reason) {
        return new RevocationStatus(State.REVOKED, Optional.of(at), Optional.ofNullable(reason), "");
    }

    public static RevocationStatus notIssued(String detail) {
        return new RevocationStatus(State.NOT_ISSUED, Optional.empty(), Optional.empty(), detail);
    }

    public static RevocationStatus unknown(String detail) {
        return new RevocationStatus(State.UNKNOWN, Optional.empty(), Optional.empty(), detail);
    }
}

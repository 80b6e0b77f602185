package org.civicmail.webmail.signature;

import java.security.cert.X509Certificate;
import java.time.Instant;

/**
 * Asks the CA whether a certificate is revoked. Implementations must be thread-safe: one instance serves
 * every request. They must not throw for network trouble; they answer {@link Status#unknown(String)}.
 */
public interface RevocationChecker {

    /** Revocation state of one certificate. */
    record Status(State state, Instant revokedAt, String detail) {
        public enum State { GOOD, REVOKED, UNKNOWN }

        public static Status good() { return new Status(State.GOOD, null, null); }

        public static Status revoked(Instant at) { return new Status(State.REVOKED, at, null); }

        public static Status unknown(String detail) { return new Status(State.UNKNOWN, null, detail); }
    }

    Status check(X509Certificate certificate, X509Certificate issuer);

    /** A checker for set-ups without OCSP/CRL: always unknown. */
    RevocationChecker NONE = (certificate, issuer) -> Status.unknown("revocation checking is switched off");
}

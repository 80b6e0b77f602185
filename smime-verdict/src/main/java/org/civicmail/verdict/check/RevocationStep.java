package org.civicmail.verdict.check;

import java.time.Instant;
import java.util.Date;
import java.util.Optional;

import org.civicmail.verdict.SignatureVerdict;
import org.civicmail.verdict.SignatureVerdict.Reason;
import org.civicmail.verdict.revocation.RevocationSource;
import org.civicmail.verdict.revocation.RevocationStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Step 5, revocation, which cannot be skipped: a city certificate is always asked of the city CA's live status
 * (with the CA's own certificate as issuer); any other through its issuer's OCSP responder or CRL. Revoked at any
 * time before now: {@code revoked}. The issuer has no such certificate: {@code unknown-ca}. No usable answer: the
 * verdict stays valid but says {@code revocation=unknown}.
 */
public final class RevocationStep implements VerificationStep {
    private static final Logger LOG = LoggerFactory.getLogger(RevocationStep.class);

    private final RevocationSource city;
    private final RevocationSource foreign;

    public RevocationStep(RevocationSource city, RevocationSource foreign) {
        this.city = city;
        this.foreign = foreign;
    }

    @Override
    public Optional<SignatureVerdict> check(Evidence e) {
        RevocationStatus status = e.cityIssuer.isPresent()
            ? city.status(e.leaf, e.cityIssuer.get())
            : foreign.status(e.leaf, e.issuer());
        switch (status.state()) {
            case REVOKED -> {
                Instant at = status.revokedAt().orElse(e.arrivedAt);
                return Optional.of(e.invalid(Reason.REVOKED, "the certificate was revoked on " + ValidityStep.day(Date.from(at))
                    + status.reason().map(r -> " (" + r + ")").orElse("")).withRevokedAt(at));
            }
            case NOT_ISSUED -> {
                return Optional.of(e.invalid(Reason.UNKNOWN_CA, "the issuing authority has no record of this certificate ("
                    + status.detail() + ")"));
            }
            case UNKNOWN -> {
                LOG.warn("Revocation status of certificate {} (issuer {}) unknown: {}", e.leaf.getSerialNumber().toString(16),
                    e.leaf.getIssuerX500Principal().getName(), status.detail());
                e.revocationUnknown = true;
            }
            case GOOD -> {
                // checked and good
            }
        }
        return Optional.empty();
    }
}

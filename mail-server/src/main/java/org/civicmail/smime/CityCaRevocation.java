package org.civicmail.smime;

import java.security.cert.X509Certificate;

import org.civicmail.ca.CertificateAuthority;
import org.civicmail.ca.CertificateStatus;
import org.civicmail.verdict.revocation.RevocationSource;
import org.civicmail.verdict.revocation.RevocationStatus;

/**
 * The city CA's live status of its own certificates, straight from the CA's store (in memory, no network): a
 * revocation shows on the next message. The verifier asks it only for certificates the city CA's key signed.
 */
public final class CityCaRevocation implements RevocationSource {
    private final CertificateAuthority ca;

    public CityCaRevocation(CertificateAuthority ca) {
        this.ca = ca;
    }

    @Override
    public RevocationStatus status(X509Certificate certificate, X509Certificate issuer) {
        CertificateStatus status = ca.status(certificate);
        return switch (status.state()) {
            case GOOD -> RevocationStatus.good();
            case REVOKED -> RevocationStatus.revoked(status.revokedAt().orElseThrow(), status.reason().map(String::valueOf).orElse(null));
            case UNKNOWN -> RevocationStatus.notIssued("the city CA has no certificate with serial "
                + certificate.getSerialNumber().toString(16));
        };
    }
}

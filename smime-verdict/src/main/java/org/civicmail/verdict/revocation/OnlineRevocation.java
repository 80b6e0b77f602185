package org.civicmail.verdict.revocation;

import java.security.cert.X509Certificate;

/**
 * Revocation for certificates of other CAs: the OCSP responder when the certificate names one, else (or when it
 * gives no usable answer) the CRL. Thread-safe.
 */
public final class OnlineRevocation implements RevocationSource {
    private final OcspClient ocsp;
    private final CrlClient crl;

    public OnlineRevocation(OcspClient ocsp, CrlClient crl) {
        this.ocsp = ocsp;
        this.crl = crl;
    }

    @Override
    public RevocationStatus status(X509Certificate certificate, X509Certificate issuer) {
        if (!OcspClient.namesResponder(certificate)) {
            return crl.status(certificate, issuer);
        }
        RevocationStatus answer = ocsp.status(certificate, issuer);
        if (answer.state() != RevocationStatus.State.UNKNOWN) {
            return answer;
        }
        RevocationStatus fromCrl = crl.status(certificate, issuer);
        return fromCrl.state() == RevocationStatus.State.UNKNOWN
            ? RevocationStatus.unknown(answer.detail() + "; " + fromCrl.detail()) : fromCrl;
    }
}

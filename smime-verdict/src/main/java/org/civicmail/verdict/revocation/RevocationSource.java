package org.civicmail.verdict.revocation;

import java.security.cert.X509Certificate;

/**
 * Tells whether a certificate is revoked. Implementations are thread-safe (one instance serves every message) and
 * never throw for network or data trouble: they answer {@link RevocationStatus#unknown(String)}.
 */
@FunctionalInterface
public interface RevocationSource {

    /**
     * @param certificate the signer's certificate
     * @param issuer      its issuer, as established by the verifier (for the city's CA: the CA's own certificate,
     *                    never one the sender supplied)
     */
    RevocationStatus status(X509Certificate certificate, X509Certificate issuer);
}

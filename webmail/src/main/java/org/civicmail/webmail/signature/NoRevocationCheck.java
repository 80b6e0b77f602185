package org.civicmail.webmail.signature;

import java.security.cert.X509Certificate;

import org.civicmail.verdict.revocation.RevocationSource;
import org.civicmail.verdict.revocation.RevocationStatus;

/** For set-ups with {@code webmail.revocation.check=false}: every status is unknown, and verdicts say so. */
public final class NoRevocationCheck implements RevocationSource {
    public static final NoRevocationCheck INSTANCE = new NoRevocationCheck();

    private NoRevocationCheck() {
    }

    @Override
    public RevocationStatus status(X509Certificate certificate, X509Certificate issuer) {
        return RevocationStatus.unknown("revocation checking is switched off (webmail.revocation.check=false)");
    }
}

package org.civicmail.ca.lint;

import java.util.Optional;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

/** The key-strength rule, shared with CSR validation. */
public final class KeyChecks {
    private KeyChecks() {
    }

    /** Empty if the key is RSA 2048+ or ECDSA on P-256/P-384/P-521, otherwise the problem. */
    public static Optional<String> strength(SubjectPublicKeyInfo spki) {
        return CommonRules.keyStrength(spki);
    }
}

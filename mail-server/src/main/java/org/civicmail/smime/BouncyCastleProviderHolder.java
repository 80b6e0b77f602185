package org.civicmail.smime;

import java.security.Provider;

import org.civicmail.verdict.BouncyCastle;

/** The one BouncyCastle provider instance, registered once for the JVM (shared with the verifier). */
final class BouncyCastleProviderHolder {
    static final Provider PROVIDER = BouncyCastle.PROVIDER;

    private BouncyCastleProviderHolder() {
    }
}

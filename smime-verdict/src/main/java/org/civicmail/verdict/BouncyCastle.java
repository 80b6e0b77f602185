package org.civicmail.verdict;

import java.security.Provider;
import java.security.Security;

import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * The one BouncyCastle provider instance of the JVM (registered once; the mail server's signer uses it too).
 * The verifier checks signature values with it rather than the JDK's SunEC: under the C1 compiler that the launcher
 * runs with (memory budget, issue 14), an ECDSA P-256 verification took 0.76 ms with SunEC and 0.25 ms with
 * BouncyCastle 1.81 on the same machine (and 0.75 / 0.27 ms with C2), signing 0.38-0.41 against 0.29-0.40 ms.
 */
public final class BouncyCastle {
    public static final Provider PROVIDER;

    static {
        Provider installed = Security.getProvider(BouncyCastleProvider.PROVIDER_NAME);
        if (installed == null) {
            installed = new BouncyCastleProvider();
            Security.addProvider(installed);
        }
        PROVIDER = installed;
    }

    private BouncyCastle() {
    }
}

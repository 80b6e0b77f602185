package org.civicmail.smime;

import java.security.Provider;
import java.security.Security;

import org.bouncycastle.jce.provider.BouncyCastleProvider;

/** The one BouncyCastle provider instance, registered once for the JVM. */
final class BouncyCastleProviderHolder {
    static final Provider PROVIDER;

    static {
        Provider installed = Security.getProvider(BouncyCastleProvider.PROVIDER_NAME);
        if (installed == null) {
            installed = new BouncyCastleProvider();
            Security.addProvider(installed);
        }
        PROVIDER = installed;
    }

    private BouncyCastleProviderHolder() {
    }
}

package org.civicmail.smime;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.spec.PKCS8EncodedKeySpec;

import org.civicmail.verdict.BouncyCastle;

/** The one BouncyCastle provider instance, registered once for the JVM (shared with the verifier). */
final class BouncyCastleProviderHolder {
    static final Provider PROVIDER = BouncyCastle.PROVIDER;

    /**
     * {@code key} as BouncyCastle's own key object, or {@code key} itself when it already is one or cannot be
     * read (no encoding, an algorithm BouncyCastle's key factory does not know); see {@link SmimeSigner}'s key table.
     */
    static PrivateKey ownForm(PrivateKey key) {
        byte[] encoded = key.getEncoded();
        if (encoded == null || key.getClass().getName().startsWith("org.bouncycastle.")) {
            return key;
        }
        try {
            return KeyFactory.getInstance(key.getAlgorithm(), PROVIDER).generatePrivate(new PKCS8EncodedKeySpec(encoded));
        } catch (GeneralSecurityException | RuntimeException e) {
            return key;
        } finally {
            java.util.Arrays.fill(encoded, (byte) 0);
        }
    }

    private BouncyCastleProviderHolder() {
    }
}

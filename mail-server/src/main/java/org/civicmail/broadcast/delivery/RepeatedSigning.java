package org.civicmail.broadcast.delivery;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;

import org.civicmail.smime.SigningCredential;
import org.civicmail.verdict.BouncyCastle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agency's signing key as a BouncyCastle key object, made once per broadcast run: personalised statements are
 * signed one by one, thousands of times with the same key. The key read from its PKCS#12 file is the JDK's own
 * class; BouncyCastle's signature (the one the signer uses) converts such a key at every {@code initSign}, and for an
 * EC key the conversion makes a new generator point, whose fixed-point multiplication table is then built again for
 * every signature (a fifth of a personalised P-256 copy's CPU, JFR). Its own key class keeps the curve's generator,
 * whose table is built once: P-256 signatures 3,731/s against 10,056/s on one core under the launcher's C1 JIT. RSA
 * keys gain nothing (their cost is the modular exponentiation) and are converted the same way for one rule.
 */
public final class RepeatedSigning {
    private static final Logger LOG = LoggerFactory.getLogger(RepeatedSigning.class);

    private RepeatedSigning() {
    }

    /** The same credential, its private key as BouncyCastle's object (the same key); unchanged if it cannot be converted. */
    public static SigningCredential prepare(SigningCredential credential) {
        PrivateKey key = credential.privateKey();
        try {
            if (key.getEncoded() == null) {
                throw new InvalidKeySpecException("the key cannot be exported (a hardware key)");
            }
            // From its PKCS#8 form, not translateKey: that gave the EC key explicit curve parameters instead of its name.
            PrivateKey converted = KeyFactory.getInstance(key.getAlgorithm(), BouncyCastle.PROVIDER)
                .generatePrivate(new PKCS8EncodedKeySpec(key.getEncoded()));
            return new SigningCredential(credential.address(), converted, credential.chain());
        } catch (GeneralSecurityException e) {
            // Still signs correctly, only slower; the reason says which key type was not converted (never the key).
            LOG.warn("The signing key of {} ({}) is used as read: it cannot be converted for repeated signing: {}", credential.address(),
                key.getAlgorithm(), e.toString());
            return credential;
        }
    }
}

package org.civicmail.verdict.check;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.civicmail.verdict.BouncyCastle;

/**
 * Signers' public keys as BouncyCastle key objects, one per distinct key, reused for every message that key signed
 * (issue 14). The leaf certificate comes from the JDK's certificate factory, so its key is the JDK's; handed to
 * BouncyCastle's verifier for each message it was translated afresh, and BouncyCastle's per-point precomputation for
 * the multiplication by the public point was done again and thrown away with it. Measured under the C1 compiler, one
 * thread, P-256, the same signature 1,500 times: 0.67-1.1 ms per verification with the key translated each time,
 * 0.24-0.35 ms with one BouncyCastle key object kept.
 *
 * <p>Why this cannot change a verdict: what is kept is a pure function of the key's encoded bytes (the
 * SubjectPublicKeyInfo), keyed by exactly those bytes, so a different key is a different entry and nothing about the
 * certificate around it (validity, revocation, key usage, chain, From) is kept: those steps run for every message.
 * A revoked signer's next message still finds its key here, and is judged revoked by the revocation step.
 * Bounded: when full it is emptied (a key is translated again in well under a millisecond).
 */
final class SignerKeys {
    /** About 1 KiB per entry with BouncyCastle's precomputed points: at most ~1 MiB. */
    static final int MAX_ENTRIES = 1024;

    private final Map<ByteBuffer, PublicKey> keys = new ConcurrentHashMap<>();

    /** The BouncyCastle form of {@code key}; the key itself if BouncyCastle cannot read its encoding. */
    PublicKey of(PublicKey key) {
        byte[] encoded = key.getEncoded();
        if (encoded == null) {
            return key;
        }
        ByteBuffer id = ByteBuffer.wrap(encoded);
        PublicKey known = keys.get(id);
        if (known != null) {
            return known;
        }
        PublicKey translated;
        try {
            translated = KeyFactory.getInstance(key.getAlgorithm(), BouncyCastle.PROVIDER)
                .generatePublic(new X509EncodedKeySpec(encoded));
        } catch (GeneralSecurityException | RuntimeException e) {
            // A key algorithm BouncyCastle's key factory does not know: verify with the key as it came (as before).
            return key;
        }
        if (keys.size() >= MAX_ENTRIES) {
            keys.clear();
        }
        keys.put(id, translated);
        return translated;
    }

    int size() {
        return keys.size();
    }
}

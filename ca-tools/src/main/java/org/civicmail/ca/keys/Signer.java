package org.civicmail.ca.keys;

import java.security.cert.X509Certificate;
import org.bouncycastle.operator.ContentSigner;

/**
 * Where a CA private key lives (an encrypted PKCS#12 file today, an HSM tomorrow). The key
 * never leaves the signer. Thread-safe: each call returns a fresh {@link ContentSigner}.
 */
public interface Signer {
    /** The certificate of this signing key. */
    X509Certificate certificate();

    /** A new, single-use content signer for the key's default signature algorithm. */
    ContentSigner contentSigner();
}

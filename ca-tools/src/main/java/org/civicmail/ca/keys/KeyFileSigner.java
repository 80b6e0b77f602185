package org.civicmail.ca.keys;

import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.civicmail.ca.CaException;
import org.civicmail.ca.KeyAlgorithm;

/** A {@link Signer} whose key was loaded from an encrypted PKCS#12 file and is kept in memory. */
public final class KeyFileSigner implements Signer {
    private final PrivateKey key;
    private final List<X509Certificate> chain;
    private final String signatureAlgorithm;

    public KeyFileSigner(PrivateKey key, List<X509Certificate> chain) {
        this.key = key;
        this.chain = List.copyOf(chain);
        this.signatureAlgorithm = KeyAlgorithm.signatureAlgorithmFor(key.getAlgorithm());
    }

    public static KeyFileSigner load(Path file, String alias, char[] passphrase) {
        Pkcs12Files.Entry e = Pkcs12Files.read(file, alias, passphrase);
        return new KeyFileSigner(e.key(), e.chain());
    }

    @Override
    public X509Certificate certificate() {
        return chain.get(0);
    }

    /** This key's certificate followed by its issuers, as stored in the PKCS#12 file. */
    public List<X509Certificate> chain() {
        return chain;
    }

    @Override
    public ContentSigner contentSigner() {
        try {
            return new JcaContentSignerBuilder(signatureAlgorithm).build(key);
        } catch (OperatorCreationException e) {
            throw new CaException("cannot create a " + signatureAlgorithm + " signer: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "KeyFileSigner[" + certificate().getSubjectX500Principal() + "]";
    }
}

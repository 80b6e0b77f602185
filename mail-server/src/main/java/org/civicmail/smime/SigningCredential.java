package org.civicmail.smime;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/** An account's signing key and certificate chain (leaf first). Never logged: {@link #toString()} shows the serial only. */
public record SigningCredential(String address, PrivateKey privateKey, List<X509Certificate> chain) {
    public SigningCredential {
        chain = List.copyOf(chain);
    }

    public X509Certificate certificate() {
        return chain.get(0);
    }

    @Override
    public String toString() {
        return "SigningCredential[" + address + ", serial " + certificate().getSerialNumber().toString(16) + "]";
    }
}

package org.civicmail.ca;

import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * A certificate the CA has just issued and stored.
 *
 * @param chain the issuing CA certificate followed by the root; the leaf is not included
 */
public record IssuedCertificate(X509Certificate certificate, List<X509Certificate> chain) {
    public IssuedCertificate {
        chain = List.copyOf(chain);
    }

    public BigInteger serial() {
        return certificate.getSerialNumber();
    }
}

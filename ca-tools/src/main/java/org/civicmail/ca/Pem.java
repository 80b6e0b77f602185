package org.civicmail.ca;

import java.io.IOException;
import java.io.StringWriter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.util.io.pem.PemObject;

/** PEM encoding of certificates, CRLs and requests. */
public final class Pem {
    private Pem() {
    }

    public static String certificates(java.security.cert.X509Certificate... certs) {
        StringWriter w = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(w)) {
            for (var c : certs) {
                pem.writeObject(c);
            }
        } catch (IOException e) {
            throw new CaException("cannot PEM-encode certificates", e);
        }
        return w.toString();
    }

    public static String certificates(java.util.List<java.security.cert.X509Certificate> certs) {
        return certificates(certs.toArray(new java.security.cert.X509Certificate[0]));
    }

    /** PEM of DER bytes with a given type, e.g. "X509 CRL". */
    public static String encode(String type, byte[] der) {
        StringWriter w = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(w)) {
            pem.writeObject(new PemObject(type, der));
        } catch (IOException e) {
            throw new CaException("cannot PEM-encode " + type, e);
        }
        return w.toString();
    }
}

package org.civicmail.ca.authority;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Date;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.civicmail.ca.CaException;
import org.civicmail.ca.keys.Signer;
import org.civicmail.ca.lint.Linter;
import org.civicmail.ca.profile.CertificateTemplate;

/** Lints a template, then signs it with a given serial. Stateless apart from the random source; thread-safe. */
public final class CertificateIssuer {
    /** 16 random bytes with the top bit cleared: 127 random bits, a positive DER INTEGER of at most 16 octets. */
    public static final int SERIAL_BYTES = 16;

    private final Linter linter;
    private final SecureRandom random;

    public CertificateIssuer(Linter linter, SecureRandom random) {
        this.linter = linter;
        this.random = random;
    }

    public BigInteger newSerial() {
        byte[] b = new byte[SERIAL_BYTES];
        BigInteger serial;
        do {
            random.nextBytes(b);
            b[0] &= 0x7f;
            serial = new BigInteger(1, b);
        } while (serial.bitLength() < 64);
        return serial;
    }

    /** Throws {@link org.civicmail.ca.lint.LintException} before signing if the template breaks its profile. */
    public X509Certificate sign(CertificateTemplate t, BigInteger serial, Signer signer) {
        linter.check(t);
        if (t.profile() != org.civicmail.ca.profile.CertProfile.ROOT_CA) {
            org.civicmail.ca.lint.IssuerNameConstraints.check(t, signer.certificate());
        }
        X509v3CertificateBuilder b = new X509v3CertificateBuilder(t.issuer(), serial, Date.from(t.notBefore()),
                Date.from(t.notAfter()), t.subject(), t.publicKey());
        Extensions ext = t.extensions();
        try {
            for (ASN1ObjectIdentifier oid : ext.getExtensionOIDs()) {
                b.addExtension(ext.getExtension(oid));
            }
            return new JcaX509CertificateConverter().getCertificate(b.build(signer.contentSigner()));
        } catch (CertIOException | CertificateException e) {
            throw new CaException("cannot sign the " + t.profile() + " certificate: " + e.getMessage(), e);
        }
    }
}

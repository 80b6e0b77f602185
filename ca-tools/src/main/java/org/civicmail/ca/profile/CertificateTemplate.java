package org.civicmail.ca.profile;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

/**
 * Everything a certificate will contain except its serial and signature: what the lint checks
 * before anything is signed.
 *
 * @param expectedEmail the account address an S/MIME certificate must name (null otherwise)
 * @param expectedDns   the DNS names / IP addresses a TLS certificate must name (empty otherwise)
 * @param issuerKeyId   the issuing CA's subject key identifier (null for a self-signed root)
 */
public record CertificateTemplate(CertProfile profile, X500Name issuer, X500Name subject, SubjectPublicKeyInfo publicKey,
                                  Instant notBefore, Instant notAfter, Extensions extensions,
                                  String expectedEmail, List<String> expectedDns, byte[] issuerKeyId) {
    public CertificateTemplate {
        expectedDns = expectedDns == null ? List.of() : List.copyOf(expectedDns);
    }

    public CertificateTemplate withValidity(Instant from, Instant to) {
        return new CertificateTemplate(profile, issuer, subject, publicKey, from, to, extensions, expectedEmail,
                expectedDns, issuerKeyId);
    }

    public CertificateTemplate withExtensions(Extensions replaced) {
        return new CertificateTemplate(profile, issuer, subject, publicKey, notBefore, notAfter, replaced, expectedEmail,
                expectedDns, issuerKeyId);
    }

    public CertificateTemplate withSubject(X500Name replaced) {
        return new CertificateTemplate(profile, issuer, replaced, publicKey, notBefore, notAfter, extensions,
                expectedEmail, expectedDns, issuerKeyId);
    }

    /** Validity length as RFC 5280 counts it (notAfter inclusive). */
    public Duration validity() {
        return Duration.between(notBefore, notAfter).plusSeconds(1);
    }
}

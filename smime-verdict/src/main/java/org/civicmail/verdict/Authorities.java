package org.civicmail.verdict;

import java.security.GeneralSecurityException;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.Extension;

/**
 * Whom the verifier trusts. {@code cityCertificates} are the city CA's own certificates (root and issuing CAs):
 * a certificate they signed is the city's, its path is built from them alone, and its revocation is asked of the
 * CA itself. {@code trustAnchors} are every root accepted (the city's root and any configured foreign roots).
 * With no certificates at all every signature reads {@code unknown-ca}. The server builds one instance from its
 * configuration at start and hands the same certificates to the webmail, so both judge with the same anchors.
 */
public final class Authorities {
    private final List<X509Certificate> cityCertificates;
    private final Set<TrustAnchor> trustAnchors;
    private final List<X509Certificate> anchorCertificates;
    private final List<X509Certificate> foreignAnchors;

    /**
     * @param cityCertificates the city CA's root and issuing certificates
     * @param trustAnchors     other CAs' roots trusted for S/MIME signatures (configured; may be empty)
     */
    public Authorities(List<X509Certificate> cityCertificates, List<X509Certificate> trustAnchors) {
        this.cityCertificates = List.copyOf(cityCertificates);
        this.foreignAnchors = List.copyOf(trustAnchors);
        List<X509Certificate> anchors = new ArrayList<>(trustAnchors);
        for (X509Certificate c : cityCertificates) {
            if (isSelfSigned(c) && !anchors.contains(c)) {
                anchors.add(c);
            }
        }
        this.anchorCertificates = List.copyOf(anchors);
        Set<TrustAnchor> set = new HashSet<>();
        anchors.forEach(c -> set.add(new TrustAnchor(c, null)));
        this.trustAnchors = Set.copyOf(set);
    }

    /**
     * The city CA certificate that issued {@code certificate}, decided by key: the certificate's signature verifies
     * with that CA's public key, and its authority key identifier, when present, is that CA's subject key identifier.
     * Names are not enough (anyone can make a CA with our name), and the chain the sender attached is not consulted.
     */
    public Optional<X509Certificate> cityIssuerOf(X509Certificate certificate) {
        byte[] aki = authorityKeyId(certificate);
        for (X509Certificate ca : cityCertificates) {
            if (ca.equals(certificate) || !ca.getSubjectX500Principal().equals(certificate.getIssuerX500Principal())) {
                continue;
            }
            byte[] ski = subjectKeyId(ca);
            if (aki != null && ski != null && !Arrays.equals(aki, ski)) {
                continue;
            }
            try {
                certificate.verify(ca.getPublicKey());
                return Optional.of(ca);
            } catch (GeneralSecurityException e) {
                // Same name, other key: not issued by this CA certificate.
            }
        }
        return Optional.empty();
    }

    public List<X509Certificate> cityCertificates() {
        return cityCertificates;
    }

    /** The roots of other CAs given at construction (not the city's own). */
    public List<X509Certificate> foreignAnchors() {
        return foreignAnchors;
    }

    public Set<TrustAnchor> trustAnchors() {
        return trustAnchors;
    }

    public List<X509Certificate> anchorCertificates() {
        return anchorCertificates;
    }

    public static boolean isSelfSigned(X509Certificate c) {
        if (!c.getSubjectX500Principal().equals(c.getIssuerX500Principal())) {
            return false;
        }
        try {
            c.verify(c.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    static byte[] authorityKeyId(X509Certificate c) {
        byte[] ext = c.getExtensionValue(Extension.authorityKeyIdentifier.getId());
        return ext == null ? null : AuthorityKeyIdentifier.getInstance(ASN1OctetString.getInstance(ext).getOctets()).getKeyIdentifier();
    }

    static byte[] subjectKeyId(X509Certificate c) {
        byte[] ext = c.getExtensionValue(Extension.subjectKeyIdentifier.getId());
        return ext == null ? null : ASN1OctetString.getInstance(ASN1OctetString.getInstance(ext).getOctets()).getOctets();
    }
}

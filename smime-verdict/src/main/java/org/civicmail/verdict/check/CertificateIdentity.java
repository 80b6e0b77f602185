package org.civicmail.verdict.check;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;

/** The names in a signer certificate that a reader sees: e-mail addresses, CN and O. */
public record CertificateIdentity(Set<String> addresses, String commonName, String organisation) {

    /** rfc822Name SANs, or the subject's emailAddress attribute when there are none (RFC 8550 section 3). */
    public static CertificateIdentity of(X509Certificate certificate) {
        Set<String> addresses = new LinkedHashSet<>();
        try {
            if (certificate.getSubjectAlternativeNames() != null) {
                for (List<?> san : certificate.getSubjectAlternativeNames()) {
                    if (Integer.valueOf(1).equals(san.get(0)) && san.get(1) instanceof String s) {
                        addresses.add(s.toLowerCase(Locale.ROOT));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // An unreadable SAN names no address; the From step then reports the mismatch.
        }
        X500Name subject = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
        if (addresses.isEmpty()) {
            for (RDN rdn : subject.getRDNs(BCStyle.EmailAddress)) {
                addresses.add(IETFUtils.valueToString(rdn.getFirst().getValue()).toLowerCase(Locale.ROOT));
            }
        }
        return new CertificateIdentity(java.util.Collections.unmodifiableSet(addresses), first(subject, BCStyle.CN), first(subject, BCStyle.O));
    }

    /** The address the verdict names: the first e-mail address, else the subject DN. */
    public String displayAddress(X509Certificate certificate) {
        return addresses.stream().findFirst().orElse(certificate.getSubjectX500Principal().getName());
    }

    private static String first(X500Name name, ASN1ObjectIdentifier type) {
        RDN[] rdns = name.getRDNs(type);
        return rdns.length == 0 ? null : IETFUtils.valueToString(rdns[0].getFirst().getValue());
    }
}

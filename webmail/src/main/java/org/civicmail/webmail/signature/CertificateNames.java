package org.civicmail.webmail.signature;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;

/** The human-facing names in a certificate: CN, O and its e-mail addresses (rfc822Name SAN, else subject E). */
public record CertificateNames(String commonName, String organisation, List<String> emails) {

    public static CertificateNames of(X509Certificate cert) {
        X500Name subject = X500Name.getInstance(cert.getSubjectX500Principal().getEncoded());
        List<String> emails = new ArrayList<>();
        try {
            Collection<List<?>> sans = cert.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    if (Integer.valueOf(1).equals(san.get(0)) && san.get(1) instanceof String s) {
                        emails.add(s.toLowerCase(Locale.ROOT));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // no usable SAN: fall back to the subject's e-mail attribute below
        }
        if (emails.isEmpty()) {
            String e = first(subject, BCStyle.EmailAddress);
            if (e != null) {
                emails.add(e.toLowerCase(Locale.ROOT));
            }
        }
        return new CertificateNames(first(subject, BCStyle.CN), first(subject, BCStyle.O), List.copyOf(emails));
    }

    public String firstEmail() {
        return emails.isEmpty() ? null : emails.get(0);
    }

    private static String first(X500Name name, ASN1ObjectIdentifier type) {
        RDN[] rdns = name.getRDNs(type);
        return rdns.length == 0 ? null : IETFUtils.valueToString(rdns[0].getFirst().getValue());
    }
}

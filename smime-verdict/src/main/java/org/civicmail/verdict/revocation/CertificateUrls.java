package org.civicmail.verdict.revocation;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

import org.bouncycastle.asn1.ASN1IA5String;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;

/** The http:// revocation addresses a certificate names: OCSP responders (AIA) and CRL distribution points. */
final class CertificateUrls {
    private CertificateUrls() {
    }

    static List<String> ocsp(X509Certificate certificate) {
        List<String> out = new ArrayList<>();
        byte[] ext = certificate.getExtensionValue(Extension.authorityInfoAccess.getId());
        if (ext == null) {
            return out;
        }
        try {
            AuthorityInformationAccess aia = AuthorityInformationAccess.getInstance(ASN1OctetString.getInstance(ext).getOctets());
            for (AccessDescription ad : aia.getAccessDescriptions()) {
                if (ad.getAccessMethod().equals(AccessDescription.id_ad_ocsp)) {
                    add(ad.getAccessLocation(), out);
                }
            }
        } catch (RuntimeException e) {
            // An unreadable extension names no responder.
        }
        return out;
    }

    static List<String> crl(X509Certificate certificate) {
        List<String> out = new ArrayList<>();
        byte[] ext = certificate.getExtensionValue(Extension.cRLDistributionPoints.getId());
        if (ext == null) {
            return out;
        }
        try {
            for (DistributionPoint dp : CRLDistPoint.getInstance(ASN1OctetString.getInstance(ext).getOctets()).getDistributionPoints()) {
                DistributionPointName name = dp.getDistributionPoint();
                if (name != null && name.getType() == DistributionPointName.FULL_NAME) {
                    for (GeneralName g : GeneralNames.getInstance(name.getName()).getNames()) {
                        add(g, out);
                    }
                }
            }
        } catch (RuntimeException e) {
            // An unreadable extension names no CRL.
        }
        return out;
    }

    private static void add(GeneralName name, List<String> out) {
        if (name.getTagNo() == GeneralName.uniformResourceIdentifier) {
            String url = ASN1IA5String.getInstance(name.getName()).getString();
            if (url.startsWith("http://") || url.startsWith("https://")) {
                out.add(url);
            }
        }
    }
}

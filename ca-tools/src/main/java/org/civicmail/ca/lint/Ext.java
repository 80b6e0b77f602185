package org.civicmail.ca.lint;

import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;

/** Small readers over BouncyCastle extension objects used by the rules. */
final class Ext {
    private Ext() {
    }

    static List<KeyPurposeId> eku(Extensions e) {
        ExtendedKeyUsage eku = ExtendedKeyUsage.fromExtensions(e);
        return eku == null ? List.of() : List.of(eku.getUsages());
    }

    static List<GeneralName> san(Extensions e) {
        GeneralNames names = GeneralNames.fromExtensions(e, Extension.subjectAlternativeName);
        return names == null ? List.of() : List.of(names.getNames());
    }

    static List<String> values(X500Name name, ASN1ObjectIdentifier type) {
        List<String> out = new ArrayList<>();
        for (RDN rdn : name.getRDNs(type)) {
            out.add(rdn.getFirst().getValue() instanceof org.bouncycastle.asn1.ASN1String str ? str.getString()
                    : IETFUtils.valueToString(rdn.getFirst().getValue()));
        }
        return out;
    }

    static boolean isCritical(Extensions e, ASN1ObjectIdentifier oid) {
        Extension x = e.getExtension(oid);
        return x != null && x.isCritical();
    }

    /** A name as an operator typed it: an iPAddress in dotted (or IPv6) form, not its DER octets. */
    static String display(GeneralName n) {
        if (n.getTagNo() == GeneralName.iPAddress) {
            byte[] octets = org.bouncycastle.asn1.ASN1OctetString.getInstance(n.getName()).getOctets();
            try {
                return java.net.InetAddress.getByAddress(octets).getHostAddress();
            } catch (java.net.UnknownHostException e) {
                return n.getName().toString(); // not 4 or 16 octets: show what is there
            }
        }
        return n.getName().toString();
    }

    static boolean isHttp(GeneralName n) {
        return n.getTagNo() == GeneralName.uniformResourceIdentifier && n.getName().toString().startsWith("http://");
    }
}

package org.civicmail.ca.lint;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.civicmail.ca.profile.CertProfile;

/** Rules of the TLS server, OCSP signer and CA profiles. */
final class ServiceRules {
    private ServiceRules() {
    }

    static List<LintRule> all() {
        return List.of(
                LintRule.of("tls.eku", "extKeyUsage is id-kp-serverAuth (TLS BR §7.1.2.7)", EnumSet.of(CertProfile.TLS_SERVER),
                        t -> Ext.eku(t.extensions()).equals(List.of(KeyPurposeId.id_kp_serverAuth)) ? Optional.empty()
                                : Optional.of("extKeyUsage is " + Ext.eku(t.extensions()))),
                LintRule.of("tls.san", "subjectAltName lists exactly the requested DNS names / IP addresses (TLS BR §7.1.2.7, §7.1.4.2)",
                        EnumSet.of(CertProfile.TLS_SERVER), t -> {
                            List<String> names = Ext.san(t.extensions()).stream()
                                    .filter(n -> n.getTagNo() == GeneralName.dNSName || n.getTagNo() == GeneralName.iPAddress)
                                    .map(n -> n.getTagNo() == GeneralName.dNSName ? n.getName().toString() : "ip")
                                    .collect(Collectors.toList());
                            return names.size() == t.expectedDns().size() && names.size() == Ext.san(t.extensions()).size()
                                    && !names.isEmpty() ? Optional.empty()
                                    : Optional.of("subjectAltName does not match the requested names " + t.expectedDns());
                        }),
                LintRule.of("ocsp.eku", "extKeyUsage is id-kp-OCSPSigning (S/MIME BR §7.1.2.8; RFC 6960 §4.2.2.2)", EnumSet.of(CertProfile.OCSP_SIGNER),
                        t -> Ext.eku(t.extensions()).equals(List.of(KeyPurposeId.id_kp_OCSPSigning)) ? Optional.empty()
                                : Optional.of("extKeyUsage is " + Ext.eku(t.extensions()))),
                LintRule.of("ocsp.nocheck", "id-pkix-ocsp-nocheck present (S/MIME BR §7.1.2.8; RFC 6960 §4.2.2.2.1)", EnumSet.of(CertProfile.OCSP_SIGNER),
                        t -> t.extensions().getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nocheck) == null
                                ? Optional.of("id-pkix-ocsp-nocheck is missing") : Optional.empty()),
                LintRule.of("ca.key-usage", "CA keyUsage includes keyCertSign and cRLSign (S/MIME BR §7.1.2.1, §7.1.2.2)",
                        CommonRules.CAS, t -> {
                            KeyUsage ku = KeyUsage.fromExtensions(t.extensions());
                            return ku != null && ku.hasUsages(KeyUsage.keyCertSign | KeyUsage.cRLSign) ? Optional.empty()
                                    : Optional.of("keyUsage lacks keyCertSign or cRLSign");
                        }),
                LintRule.of("ca.subject", "CA and service subjects carry a commonName (S/MIME BR §7.1.4.1)",
                        EnumSet.of(CertProfile.ROOT_CA, CertProfile.ISSUING_CA, CertProfile.SMIME_ISSUING_CA,
                                CertProfile.TLS_ISSUING_CA, CertProfile.OCSP_SIGNER, CertProfile.TLS_SERVER),
                        t -> Ext.values(t.subject(), BCStyle.CN).size() == 1 ? Optional.empty()
                                : Optional.of("subject " + t.subject() + " has no single commonName")));
    }
}

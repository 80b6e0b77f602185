package org.civicmail.ca.lint;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.CertificatePolicies;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.civicmail.ca.profile.CertProfile;
import org.civicmail.ca.profile.CertificateTemplate;

/** CA/Browser Forum S/MIME Baseline Requirements rules (strict generation) for the four mailbox profiles. */
final class SmimeRules {
    private static final Set<CertProfile> SMIME = EnumSet.of(CertProfile.CITIZEN_MAILBOX, CertProfile.CITIZEN_INDIVIDUAL,
            CertProfile.LEGAL_ENTITY, CertProfile.AGENCY_MAILBOX, CertProfile.OFFICIAL);
    /** The revocation pointers are required of TLS certificates as well. */
    private static final Set<CertProfile> WITH_POINTERS = EnumSet.of(CertProfile.CITIZEN_MAILBOX,
            CertProfile.CITIZEN_INDIVIDUAL, CertProfile.LEGAL_ENTITY, CertProfile.AGENCY_MAILBOX, CertProfile.OFFICIAL, CertProfile.TLS_SERVER);

    private SmimeRules() {
    }

    static List<LintRule> all() {
        return List.of(
                LintRule.of("smime.eku", "extKeyUsage contains id-kp-emailProtection and nothing else (S/MIME BR §7.1.2.3, strict)", SMIME,
                        t -> Ext.eku(t.extensions()).equals(List.of(KeyPurposeId.id_kp_emailProtection)) ? Optional.empty()
                                : Optional.of("extKeyUsage is " + Ext.eku(t.extensions()))),
                LintRule.of("smime.san", "subjectAltName holds exactly one rfc822Name, equal to the account address (S/MIME BR §7.1.2.3, §7.1.4.2.1)", SMIME,
                        SmimeRules::san),
                LintRule.of("smime.key-usage", "critical keyUsage digitalSignature, plus keyEncipherment (RSA) or keyAgreement (EC) (S/MIME BR §7.1.2.3)",
                        SMIME, SmimeRules::keyUsage),
                LintRule.of("smime.policy", "exactly one certificate policy, the CABF S/MIME OID of the profile (S/MIME BR §7.1.6.1)", SMIME,
                        SmimeRules::policy),
                LintRule.of("revocation.crldp", "cRLDistributionPoints with an http:// URL (S/MIME BR §7.1.2.3)", WITH_POINTERS, SmimeRules::crlDp),
                LintRule.of("revocation.aia", "authorityInfoAccess with http:// OCSP and caIssuers URLs (S/MIME BR §7.1.2.3)", WITH_POINTERS,
                        SmimeRules::aia));
    }

    private static Optional<String> san(CertificateTemplate t) {
        if (Ext.isCritical(t.extensions(), Extension.subjectAlternativeName) && !t.subject().toString().isEmpty()) {
            return Optional.of("subjectAltName is critical although the subject is not empty");
        }
        List<GeneralName> names = Ext.san(t.extensions());
        if (names.size() != 1 || names.get(0).getTagNo() != GeneralName.rfc822Name) {
            return Optional.of("subjectAltName is " + names + "; expected rfc822Name:" + t.expectedEmail());
        }
        String email = names.get(0).getName().toString();
        return email.equals(t.expectedEmail()) ? Optional.empty()
                : Optional.of("rfc822Name " + email + " differs from the account address " + t.expectedEmail());
    }

    private static Optional<String> keyUsage(CertificateTemplate t) {
        KeyUsage ku = KeyUsage.fromExtensions(t.extensions());
        if (ku == null || !Ext.isCritical(t.extensions(), Extension.keyUsage)) {
            return Optional.of("keyUsage is missing or not critical");
        }
        boolean rsa = PKCSObjectIdentifiers.rsaEncryption.equals(t.publicKey().getAlgorithm().getAlgorithm());
        int allowed = KeyUsage.digitalSignature | (rsa ? KeyUsage.keyEncipherment : KeyUsage.keyAgreement);
        int bits = ku.getBytes().length == 0 ? 0 : ku.getBytes()[0] & 0xff;
        if (!ku.hasUsages(KeyUsage.digitalSignature) || ku.getBytes().length > 1 || (bits & ~allowed) != 0) {
            return Optional.of("keyUsage " + ku + " is not allowed for a " + (rsa ? "RSA" : "EC") + " key");
        }
        return Optional.empty();
    }

    private static Optional<String> policy(CertificateTemplate t) {
        CertificatePolicies p = CertificatePolicies.fromExtensions(t.extensions());
        if (p == null || p.getPolicyInformation().length != 1) {
            return Optional.of("found " + (p == null ? 0 : p.getPolicyInformation().length) + " policy OIDs");
        }
        var oid = p.getPolicyInformation()[0].getPolicyIdentifier();
        return oid.equals(t.profile().policy()) ? Optional.empty()
                : Optional.of("policy " + oid + " is not " + t.profile().policy() + " required for " + t.profile());
    }

    private static Optional<String> crlDp(CertificateTemplate t) {
        CRLDistPoint dp = CRLDistPoint.fromExtensions(t.extensions());
        if (dp == null || dp.getDistributionPoints().length == 0) {
            return Optional.of("cRLDistributionPoints is missing");
        }
        for (DistributionPoint p : dp.getDistributionPoints()) {
            DistributionPointName n = p.getDistributionPoint();
            if (n == null || n.getType() != DistributionPointName.FULL_NAME) {
                return Optional.of("a distribution point has no fullName");
            }
            for (GeneralName g : GeneralNames.getInstance(n.getName()).getNames()) {
                if (!Ext.isHttp(g)) {
                    return Optional.of("distribution point " + g.getName() + " is not an http:// URL");
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<String> aia(CertificateTemplate t) {
        AuthorityInformationAccess aia = AuthorityInformationAccess.fromExtensions(t.extensions());
        if (aia == null) {
            return Optional.of("authorityInfoAccess is missing");
        }
        boolean ocsp = false;
        boolean issuers = false;
        for (AccessDescription d : aia.getAccessDescriptions()) {
            if (!Ext.isHttp(d.getAccessLocation())) {
                return Optional.of("access location " + d.getAccessLocation().getName() + " is not an http:// URL");
            }
            ocsp |= d.getAccessMethod().equals(AccessDescription.id_ad_ocsp);
            issuers |= d.getAccessMethod().equals(AccessDescription.id_ad_caIssuers);
        }
        return ocsp && issuers ? Optional.empty() : Optional.of("authorityInfoAccess lacks " + (ocsp ? "caIssuers" : "OCSP"));
    }
}

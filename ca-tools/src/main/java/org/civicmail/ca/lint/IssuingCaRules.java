package org.civicmail.ca.lint;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.CertificatePolicies;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralSubtree;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.NameConstraints;
import org.civicmail.ca.profile.CertProfile;
import org.civicmail.ca.profile.CertificateTemplate;

/**
 * Rules of the purpose-bound issuing CAs: the S/MIME issuing CA (S/MIME BR §7.1.2.2) and the TLS
 * issuing CA. Each is limited by extKeyUsage to its purpose and by name constraints to the city's
 * own mail domains / host names, so the root the city asks people to trust cannot vouch for anyone
 * else's.
 */
final class IssuingCaRules {
    private static final EnumSet<CertProfile> BOUND = EnumSet.of(CertProfile.SMIME_ISSUING_CA, CertProfile.TLS_ISSUING_CA);

    private IssuingCaRules() {
    }

    static List<LintRule> all() {
        return List.of(
                LintRule.of("ca.smime.eku", "extKeyUsage is id-kp-emailProtection only, no serverAuth (S/MIME BR §7.1.2.2)",
                        EnumSet.of(CertProfile.SMIME_ISSUING_CA),
                        t -> Ext.eku(t.extensions()).equals(List.of(KeyPurposeId.id_kp_emailProtection)) ? Optional.empty()
                                : Optional.of("extKeyUsage is " + Ext.eku(t.extensions()))),
                LintRule.of("ca.tls.eku", "extKeyUsage is id-kp-serverAuth only (TLS BR §7.1.2.2)",
                        EnumSet.of(CertProfile.TLS_ISSUING_CA),
                        t -> Ext.eku(t.extensions()).equals(List.of(KeyPurposeId.id_kp_serverAuth)) ? Optional.empty()
                                : Optional.of("extKeyUsage is " + Ext.eku(t.extensions()))),
                LintRule.of("ca.name-constraints", "critical nameConstraints permitting only the city's rfc822Name domains"
                        + " (S/MIME CA) or dNSName / iPAddress names (TLS CA) (S/MIME BR §7.1.2.2; RFC 5280 §4.2.1.10)", BOUND,
                        IssuingCaRules::nameConstraints),
                LintRule.of("ca.policies", "certificatePolicies present (S/MIME BR §7.1.2.2)", BOUND,
                        t -> CertificatePolicies.fromExtensions(t.extensions()) == null
                                ? Optional.of("certificatePolicies is missing") : Optional.empty()),
                LintRule.of("ca.crldp", "cRLDistributionPoints with an http:// URL of the root's CRL (S/MIME BR §7.1.2.2)", BOUND,
                        IssuingCaRules::crlDp),
                LintRule.of("ca.aia", "authorityInformationAccess with an http:// caIssuers URL (S/MIME BR §7.1.2.2)", BOUND,
                        IssuingCaRules::aia));
    }

    private static Optional<String> nameConstraints(CertificateTemplate t) {
        Extension e = t.extensions().getExtension(Extension.nameConstraints);
        if (e == null) {
            return Optional.of("nameConstraints is missing");
        }
        if (!e.isCritical()) {
            return Optional.of("nameConstraints is not critical");
        }
        NameConstraints nc = NameConstraints.getInstance(e.getParsedValue());
        GeneralSubtree[] permitted = nc.getPermittedSubtrees();
        if (permitted == null || permitted.length == 0) {
            return Optional.of("nameConstraints has no permittedSubtrees");
        }
        for (GeneralSubtree s : permitted) {
            int tag = s.getBase().getTagNo();
            boolean ok = t.profile() == CertProfile.SMIME_ISSUING_CA ? tag == GeneralName.rfc822Name
                    : tag == GeneralName.dNSName || tag == GeneralName.iPAddress;
            if (!ok) {
                return Optional.of("permitted subtree " + s.getBase() + " is not of a type this CA may constrain to");
            }
        }
        return Optional.empty();
    }

    private static Optional<String> crlDp(CertificateTemplate t) {
        CRLDistPoint dp = CRLDistPoint.fromExtensions(t.extensions());
        if (dp == null || dp.getDistributionPoints().length == 0) {
            return Optional.of("cRLDistributionPoints is missing");
        }
        String uri = String.valueOf(dp.getDistributionPoints()[0].getDistributionPoint().getName());
        return uri.contains("http://") ? Optional.empty() : Optional.of("cRLDistributionPoints has no http:// URL: " + uri);
    }

    private static Optional<String> aia(CertificateTemplate t) {
        AuthorityInformationAccess aia = AuthorityInformationAccess.fromExtensions(t.extensions());
        if (aia == null) {
            return Optional.of("authorityInformationAccess is missing");
        }
        for (AccessDescription d : aia.getAccessDescriptions()) {
            if (d.getAccessMethod().equals(AccessDescription.id_ad_caIssuers)
                    && String.valueOf(d.getAccessLocation().getName()).startsWith("http://")) {
                return Optional.empty();
            }
        }
        return Optional.of("authorityInformationAccess has no http:// caIssuers URL");
    }
}

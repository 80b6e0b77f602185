package org.civicmail.ca.lint;

import java.security.cert.X509Certificate;
import java.util.EnumSet;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralSubtree;
import org.bouncycastle.asn1.x509.NameConstraints;
import org.bouncycastle.jce.provider.PKIXNameConstraintValidator;
import org.bouncycastle.jce.provider.PKIXNameConstraintValidatorException;
import org.civicmail.ca.profile.CertProfile;
import org.civicmail.ca.profile.CertificateTemplate;

/**
 * Refuses, before signing, a certificate whose subjectAltNames fall outside the signing CA's own
 * nameConstraints: relying parties would reject it anyway (RFC 5280 §4.2.1.10), and an operator
 * asking for one is told now, with the name, instead of a citizen later. A signer without name
 * constraints (the root, the first-generation issuing CA) constrains nothing.
 */
public final class IssuerNameConstraints {
    static final LintRule RULE = LintRule.of("issuer.name-constraints", "every subjectAltName within the signing CA's"
            + " nameConstraints (S/MIME BR §7.1.2.2; RFC 5280 §4.2.1.10)", EnumSet.allOf(CertProfile.class), t -> Optional.empty());

    private IssuerNameConstraints() {
    }

    /** Throws {@link LintException} naming the first name outside {@code issuer}'s constraints. */
    public static void check(CertificateTemplate template, X509Certificate issuer) {
        byte[] ext = issuer.getExtensionValue(Extension.nameConstraints.getId());
        if (ext == null) {
            return;
        }
        NameConstraints nc = NameConstraints.getInstance(ASN1OctetString.getInstance(ext).getOctets());
        PKIXNameConstraintValidator validator = new PKIXNameConstraintValidator();
        if (nc.getPermittedSubtrees() != null) {
            validator.intersectPermittedSubtree(nc.getPermittedSubtrees());
        }
        if (nc.getExcludedSubtrees() != null) {
            for (GeneralSubtree s : nc.getExcludedSubtrees()) {
                validator.addExcludedSubtree(s);
            }
        }
        for (GeneralName name : Ext.san(template.extensions())) {
            try {
                validator.checkPermitted(name);
                validator.checkExcluded(name);
            } catch (PKIXNameConstraintValidatorException e) {
                throw new LintException(RULE, "subjectAltName " + Ext.display(name) + " is outside what "
                        + issuer.getSubjectX500Principal().getName() + " may certify; only the city's own mail domains and"
                        + " host names can be certified under it");
            }
        }
    }
}

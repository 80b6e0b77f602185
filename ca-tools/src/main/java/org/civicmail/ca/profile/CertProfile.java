package org.civicmail.ca.profile;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;

/**
 * The certificate profiles this CA issues. S/MIME profiles carry the CA/Browser Forum S/MIME
 * Baseline Requirements policy OID of their validation type, "strict" generation
 * (2.23.140.1.5.&lt;type&gt;.3).
 */
public enum CertProfile {
    CITIZEN_MAILBOX("2.23.140.1.5.1.3", 825),
    CITIZEN_INDIVIDUAL("2.23.140.1.5.4.3", 825),
    LEGAL_ENTITY("2.23.140.1.5.2.3", 825),
    OFFICIAL("2.23.140.1.5.3.3", 825),
    /** An agency's own mailbox (no person): organization-validated strict. */
    AGENCY_MAILBOX("2.23.140.1.5.2.3", 825),
    TLS_SERVER(null, 397),
    OCSP_SIGNER(null, 366),
    ISSUING_CA(null, 3653 + 10),
    /** S/MIME-only issuing CA (S/MIME BR §7.1.2.2): emailProtection EKU, rfc822Name constraints. */
    SMIME_ISSUING_CA(null, 3653 + 10),
    /** TLS-only issuing CA: serverAuth EKU, dNSName / iPAddress constraints. */
    TLS_ISSUING_CA(null, 3653 + 10),
    ROOT_CA(null, 7305 + 10);

    private final String policyOid;
    private final int maxValidityDays;

    CertProfile(String policyOid, int maxValidityDays) {
        this.policyOid = policyOid;
        this.maxValidityDays = maxValidityDays;
    }

    public boolean isSmime() {
        return policyOid != null;
    }

    public boolean isCa() {
        return this == ISSUING_CA || this == SMIME_ISSUING_CA || this == TLS_ISSUING_CA || this == ROOT_CA;
    }

    /** The single CABF S/MIME policy OID, or null for non-S/MIME profiles. */
    public ASN1ObjectIdentifier policy() {
        return policyOid == null ? null : new ASN1ObjectIdentifier(policyOid);
    }

    public int maxValidityDays() {
        return maxValidityDays;
    }
}

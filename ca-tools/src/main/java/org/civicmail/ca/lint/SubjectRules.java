package org.civicmail.ca.lint;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.civicmail.ca.profile.CertProfile;
import org.civicmail.ca.profile.CertificateTemplate;

/**
 * The subject of each strict S/MIME profile, one rule per requirement of the S/MIME Baseline Requirements
 * §7.1.4.2.2 (what each attribute may contain) and §7.1.4.2.3-6 (which attributes each validation type has).
 */
final class SubjectRules {
    private static final Set<CertProfile> SMIME = EnumSet.of(CertProfile.CITIZEN_MAILBOX, CertProfile.CITIZEN_INDIVIDUAL,
            CertProfile.LEGAL_ENTITY, CertProfile.AGENCY_MAILBOX, CertProfile.OFFICIAL);
    private static final Set<CertProfile> ORGANIZATION = EnumSet.of(CertProfile.LEGAL_ENTITY, CertProfile.AGENCY_MAILBOX);
    private static final Set<CertProfile> WITH_ORGANIZATION = EnumSet.of(CertProfile.LEGAL_ENTITY, CertProfile.AGENCY_MAILBOX,
            CertProfile.OFFICIAL);
    private static final ASN1ObjectIdentifier PSEUDONYM = BCStyle.PSEUDONYM;
    /**
     * The attributes a strict organization-, sponsor- or individual-validated subject may have (the "Strict" columns of
     * §7.1.4.2.4-6 minus streetAddress and postalCode, which are SHALL NOT there, and "Other", also SHALL NOT).
     * organizationalUnitName, which the tables still allow, is left out on purpose: nothing verifies it.
     */
    private static final Set<ASN1ObjectIdentifier> STRICT_ATTRIBUTES = Set.of(BCStyle.CN, BCStyle.O, BCStyle.ORGANIZATION_IDENTIFIER,
            BCStyle.GIVENNAME, BCStyle.SURNAME, PSEUDONYM, BCStyle.SERIALNUMBER, BCStyle.EmailAddress, BCStyle.T, BCStyle.L, BCStyle.ST,
            BCStyle.C);
    /** §7.1.4.2.3: a mailbox-validated subject has at most commonName, serialNumber and emailAddress. */
    private static final Set<ASN1ObjectIdentifier> MAILBOX_ATTRIBUTES = Set.of(BCStyle.CN, BCStyle.SERIALNUMBER, BCStyle.EmailAddress);

    private SubjectRules() {
    }

    static List<LintRule> all() {
        return List.of(
                LintRule.of("subject.mailbox", "a mailbox-validated subject holds only commonName (= the mailbox), serialNumber and"
                        + " emailAddress (S/MIME BR §7.1.4.2.3)", EnumSet.of(CertProfile.CITIZEN_MAILBOX), SubjectRules::mailbox),
                LintRule.of("subject.strict-attributes", "no attribute outside the strict column: no streetAddress, postalCode,"
                        + " organizationalUnitName or other attribute (S/MIME BR §7.1.4.2.4-6, Strict)", EnumSet.complementOf(
                                EnumSet.of(CertProfile.CITIZEN_MAILBOX, CertProfile.TLS_SERVER, CertProfile.OCSP_SIGNER, CertProfile.ISSUING_CA,
                                        CertProfile.SMIME_ISSUING_CA, CertProfile.TLS_ISSUING_CA, CertProfile.ROOT_CA)),
                        SubjectRules::strictAttributes),
                LintRule.of("subject.organization", "an organization-validated subject has one organizationName and one"
                        + " organizationIdentifier and no givenName, surname, pseudonym or title (S/MIME BR §7.1.4.2.4)", ORGANIZATION,
                        SubjectRules::organization),
                LintRule.of("subject.sponsor", "a sponsor-validated subject has one organizationName, one organizationIdentifier, and"
                        + " givenName and/or surname or a pseudonym (S/MIME BR §7.1.4.2.5, note 2)", EnumSet.of(CertProfile.OFFICIAL),
                        SubjectRules::sponsor),
                LintRule.of("subject.individual", "an individual-validated subject has no organizationName, organizationalUnitName or"
                        + " organizationIdentifier, and givenName and/or surname or a pseudonym (S/MIME BR §7.1.4.2.6, note 2)",
                        EnumSet.of(CertProfile.CITIZEN_INDIVIDUAL), SubjectRules::individual),
                LintRule.of("subject.pseudonym-exclusive", "pseudonym is never beside givenName or surname (S/MIME BR §7.1.4.2.2(e), (f))",
                        SMIME, SubjectRules::pseudonymExclusive),
                LintRule.of("subject.organization-identifier", "organizationIdentifier is NTR<country>-<register number> or"
                        + " GOV<country>[+<subdivision>] for a government entity (S/MIME BR §7.1.4.2.2(d))", WITH_ORGANIZATION,
                        SubjectRules::organizationIdentifier),
                LintRule.of("subject.common-name", "commonName, if present, is the personal name (from surname and givenName), the"
                        + " pseudonym, the mailbox address or, organization-validated, the organizationName (S/MIME BR §7.1.4.2.2(a))",
                        SMIME, SubjectRules::commonName),
                LintRule.of("subject.country", "countryName, if present, is a two-letter ISO 3166-1 code (S/MIME BR §7.1.4.2.2(n))",
                        SMIME, t -> values(t.subject(), BCStyle.C).stream().filter(c -> !c.matches("[A-Z]{2}")).findFirst()
                                .map(c -> "countryName '" + c + "' is not a two-letter ISO 3166-1 code")));
    }

    private static Optional<String> mailbox(CertificateTemplate t) {
        Optional<String> other = outside(t.subject(), MAILBOX_ATTRIBUTES);
        if (other.isPresent()) {
            return Optional.of("a mailbox-validated subject may not hold " + other.get() + ", found " + t.subject());
        }
        List<String> cn = values(t.subject(), BCStyle.CN);
        return cn.size() > 1 || (cn.size() == 1 && !cn.get(0).equalsIgnoreCase(t.expectedEmail()))
                ? Optional.of("the commonName of a mailbox-validated subject is the mailbox address " + t.expectedEmail() + ", found " + cn)
                : Optional.empty();
    }

    private static Optional<String> strictAttributes(CertificateTemplate t) {
        return outside(t.subject(), STRICT_ATTRIBUTES).map(a -> a + " is not allowed in a strict subject, found " + t.subject());
    }

    private static Optional<String> organization(CertificateTemplate t) {
        X500Name dn = t.subject();
        if (values(dn, BCStyle.O).size() != 1 || values(dn, BCStyle.ORGANIZATION_IDENTIFIER).size() != 1) {
            return Optional.of("needs exactly one organizationName and one organizationIdentifier, found " + dn);
        }
        for (ASN1ObjectIdentifier personal : List.of(BCStyle.GIVENNAME, BCStyle.SURNAME, PSEUDONYM, BCStyle.T)) {
            if (!values(dn, personal).isEmpty()) {
                return Optional.of(BCStyle.INSTANCE.oidToDisplayName(personal) + " belongs to a person, not to an organization-validated"
                        + " subject, found " + dn);
            }
        }
        return Optional.empty();
    }

    private static Optional<String> sponsor(CertificateTemplate t) {
        X500Name dn = t.subject();
        if (values(dn, BCStyle.O).size() != 1 || values(dn, BCStyle.ORGANIZATION_IDENTIFIER).size() != 1) {
            return Optional.of("needs exactly one organizationName (the agency) and one organizationIdentifier, found " + dn);
        }
        return personal(dn);
    }

    private static Optional<String> individual(CertificateTemplate t) {
        X500Name dn = t.subject();
        for (ASN1ObjectIdentifier org : List.of(BCStyle.O, BCStyle.OU, BCStyle.ORGANIZATION_IDENTIFIER)) {
            if (!values(dn, org).isEmpty()) {
                return Optional.of(BCStyle.INSTANCE.oidToDisplayName(org) + " is not allowed in an individual-validated subject, found " + dn);
            }
        }
        return personal(dn);
    }

    private static Optional<String> personal(X500Name dn) {
        boolean name = !values(dn, BCStyle.SURNAME).isEmpty() || !values(dn, BCStyle.GIVENNAME).isEmpty();
        return name || !values(dn, PSEUDONYM).isEmpty() ? Optional.empty()
                : Optional.of("needs givenName and/or surname, or a pseudonym, found " + dn);
    }

    private static Optional<String> pseudonymExclusive(CertificateTemplate t) {
        X500Name dn = t.subject();
        boolean name = !values(dn, BCStyle.SURNAME).isEmpty() || !values(dn, BCStyle.GIVENNAME).isEmpty();
        return name && !values(dn, PSEUDONYM).isEmpty() ? Optional.of("pseudonym beside givenName/surname in " + dn) : Optional.empty();
    }

    private static Optional<String> organizationIdentifier(CertificateTemplate t) {
        for (String id : values(t.subject(), BCStyle.ORGANIZATION_IDENTIFIER)) {
            if (!id.matches("NTR[A-Z]{2}(\\+[A-Z0-9]{1,3})?-[0-9A-Z]+") && !id.matches("GOV[A-Z]{2}(\\+[A-Z0-9]{1,3})?")) {
                return Optional.of("organizationIdentifier '" + id + "' is neither NTR<country>-<register number> nor GOV<country>");
            }
        }
        return Optional.empty();
    }

    private static Optional<String> commonName(CertificateTemplate t) {
        X500Name dn = t.subject();
        List<String> cn = values(dn, BCStyle.CN);
        if (cn.isEmpty()) {
            return Optional.empty();
        }
        if (cn.size() > 1) {
            return Optional.of("more than one commonName in " + dn);
        }
        String c = cn.get(0);
        List<String> sn = values(dn, BCStyle.SURNAME);
        List<String> gn = values(dn, BCStyle.GIVENNAME);
        String s = sn.isEmpty() ? "" : sn.get(0);
        String g = gn.isEmpty() ? "" : gn.get(0);
        boolean personal = !s.isEmpty() && (c.equals(s + g) || c.equals((g + " " + s).trim()) || c.equals((s + " " + g).trim()));
        boolean pseudonym = values(dn, PSEUDONYM).contains(c);
        boolean mailbox = c.equalsIgnoreCase(String.valueOf(t.expectedEmail()));
        boolean organization = ORGANIZATION.contains(t.profile()) && values(dn, BCStyle.O).contains(c);
        return personal || pseudonym || mailbox || organization ? Optional.empty()
                : Optional.of("commonName '" + c + "' is none of the personal name, pseudonym, mailbox address or organizationName in " + dn);
    }

    /** The first attribute type of {@code dn} not in {@code allowed}, by display name. */
    private static Optional<String> outside(X500Name dn, Set<ASN1ObjectIdentifier> allowed) {
        for (RDN rdn : dn.getRDNs()) {
            for (AttributeTypeAndValue a : rdn.getTypesAndValues()) {
                if (!allowed.contains(a.getType())) {
                    String name = BCStyle.INSTANCE.oidToDisplayName(a.getType());
                    return Optional.of(name == null ? a.getType().getId() : name);
                }
            }
        }
        return Optional.empty();
    }

    private static List<String> values(X500Name dn, ASN1ObjectIdentifier type) {
        return Ext.values(dn, type);
    }
}

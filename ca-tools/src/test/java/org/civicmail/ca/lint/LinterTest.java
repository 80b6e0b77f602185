package org.civicmail.ca.lint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.CertificatePolicies;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.PolicyInformation;
import org.civicmail.ca.CaUrls;
import org.civicmail.ca.KeyAlgorithm;
import org.civicmail.ca.PersonName;
import org.civicmail.ca.Subject;
import org.civicmail.ca.profile.CertProfile;
import org.civicmail.ca.authority.CertificateIssuer;
import org.civicmail.ca.keys.KeyFileSigner;
import org.civicmail.ca.profile.CertificateTemplate;
import org.civicmail.ca.profile.ProfileFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LinterTest {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    static final ProfileFactory PROFILES = new ProfileFactory("CN", "Test City", new CaUrls("http://127.0.0.1:8088"), CLOCK);
    static final Linter LINTER = Linter.standard();
    static X509Certificate issuing;

    @BeforeAll
    static void issuingCa() {
        KeyPair rootKeys = KeyAlgorithm.EC_P256.generate();
        CertificateIssuer issuer = new CertificateIssuer(LINTER, new SecureRandom());
        KeyFileSigner keyOnly = new KeyFileSigner(rootKeys.getPrivate(), List.of());
        X509Certificate root = issuer.sign(PROFILES.rootCa(rootKeys.getPublic()), issuer.newSerial(), new org.civicmail.ca.keys.Signer() {
            public X509Certificate certificate() {
                throw new IllegalStateException();
            }

            public org.bouncycastle.operator.ContentSigner contentSigner() {
                return keyOnly.contentSigner();
            }
        });
        KeyPair keys = KeyAlgorithm.EC_P256.generate();
        issuing = issuer.sign(PROFILES.issuingCa(keys.getPublic(), root), issuer.newSerial(),
                new KeyFileSigner(rootKeys.getPrivate(), List.of(root)));
    }

    static CertificateTemplate citizen() {
        return PROFILES.smime(Subject.citizen("alice@city.example", null), KeyAlgorithm.EC_P256.generate().getPublic(), issuing);
    }

    static Extensions replace(Extensions ext, ASN1ObjectIdentifier oid, org.bouncycastle.asn1.ASN1Encodable value) throws Exception {
        ExtensionsGenerator g = new ExtensionsGenerator();
        for (ASN1ObjectIdentifier o : ext.getExtensionOIDs()) {
            if (!o.equals(oid)) {
                g.addExtension(ext.getExtension(o));
            }
        }
        if (value != null) {
            g.addExtension(oid, false, value);
        }
        return g.generate();
    }

    String refusal(CertificateTemplate t) {
        return assertThrows(LintException.class, () -> LINTER.check(t)).getMessage();
    }

    @Test
    void everyProfileTemplatePasses() {
        LINTER.check(citizen());
        LINTER.check(PROFILES.smime(Subject.citizen("bob@city.example", "Bob Chen"), KeyAlgorithm.RSA_3072.generate().getPublic(), issuing));
        LINTER.check(PROFILES.smime(Subject.legalEntity("c@acme.example", "Acme", "91350100M000100Y43"),
                KeyAlgorithm.EC_P256.generate().getPublic(), issuing));
        LINTER.check(PROFILES.smime(Subject.official("l@gov.example", "Li Wei", "Tax Bureau", null),
                KeyAlgorithm.EC_P256.generate().getPublic(), issuing));
        LINTER.check(PROFILES.tlsServer(List.of("mail.city.example"), KeyAlgorithm.EC_P256.generate().getPublic(), issuing));
        LINTER.check(PROFILES.ocspSigner(KeyAlgorithm.EC_P256.generate().getPublic(), issuing));
    }

    @Test
    void validityOver825DaysIsRefused() {
        CertificateTemplate t = citizen();
        CertificateTemplate longLived = t.withValidity(t.notBefore(), t.notBefore().plus(Duration.ofDays(900)).minusSeconds(1));
        assertEquals("certificate refused by lint rule validity.max (validity at most the profile's maximum (825 days for"
                + " S/MIME, 397 for TLS) (S/MIME BR §6.3.2; TLS BR §6.3.2)): validity is 900 days, the CITIZEN_MAILBOX maximum is 825 days", refusal(longLived));
        LINTER.check(t.withValidity(t.notBefore(), t.notBefore().plus(Duration.ofDays(825)).minusSeconds(1)));
    }

    @Test
    void extraEkuIsRefused() throws Exception {
        CertificateTemplate t = citizen();
        CertificateTemplate bad = t.withExtensions(replace(t.extensions(), Extension.extendedKeyUsage,
                new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_emailProtection, KeyPurposeId.id_kp_clientAuth})));
        assertEquals("certificate refused by lint rule smime.eku (extKeyUsage contains id-kp-emailProtection and nothing else (S/MIME BR §7.1.2.3, strict)):"
                + " extKeyUsage is [1.3.6.1.5.5.7.3.4, 1.3.6.1.5.5.7.3.2]", refusal(bad));
    }

    @Test
    void wrongSanIsRefused() throws Exception {
        CertificateTemplate t = citizen();
        CertificateTemplate bad = t.withExtensions(replace(t.extensions(), Extension.subjectAlternativeName,
                new GeneralNames(new GeneralName(GeneralName.rfc822Name, "mallory@city.example"))));
        assertEquals("certificate refused by lint rule smime.san (subjectAltName holds exactly one rfc822Name, equal to the"
                + " account address (S/MIME BR §7.1.2.3, §7.1.4.2.1)): rfc822Name mallory@city.example differs from the account address alice@city.example", refusal(bad));
    }

    @Test
    void twoPoliciesAreRefused() throws Exception {
        CertificateTemplate t = citizen();
        CertificateTemplate bad = t.withExtensions(replace(t.extensions(), Extension.certificatePolicies,
                new CertificatePolicies(new PolicyInformation[] {new PolicyInformation(new ASN1ObjectIdentifier("2.23.140.1.5.1.3")),
                        new PolicyInformation(new ASN1ObjectIdentifier("2.23.140.1.5.1.2"))})));
        assertEquals("certificate refused by lint rule smime.policy (exactly one certificate policy, the CABF S/MIME OID of"
                + " the profile (S/MIME BR §7.1.6.1)): found 2 policy OIDs", refusal(bad));
    }

    @Test
    void missingCrlDpAndOrganizationInMailboxSubjectAreRefused() throws Exception {
        CertificateTemplate t = citizen();
        assertEquals("certificate refused by lint rule revocation.crldp (cRLDistributionPoints with an http:// URL (S/MIME BR §7.1.2.3)):"
                + " cRLDistributionPoints is missing", refusal(t.withExtensions(replace(t.extensions(), Extension.cRLDistributionPoints, null))));
        assertEquals("subject.mailbox", ruleOf(t.withSubject(new X500Name("O=Acme,CN=alice@city.example"))));
    }

    static CertificateTemplate official() {
        return PROFILES.smime(Subject.sponsored("li.wei@gov.example", PersonName.of("李", "伟"), "Tax Bureau", null),
                KeyAlgorithm.EC_P256.generate().getPublic(), issuing);
    }

    static CertificateTemplate individual() {
        return PROFILES.smime(Subject.individual("li.na@city.example", PersonName.of("李", "娜")), KeyAlgorithm.EC_P256.generate().getPublic(),
                issuing);
    }

    static CertificateTemplate organization() {
        return PROFILES.smime(Subject.agency("notice@gov.example", "Tax Bureau", null), KeyAlgorithm.EC_P256.generate().getPublic(),
                issuing);
    }

    String ruleOf(CertificateTemplate t) {
        return assertThrows(LintException.class, () -> LINTER.check(t)).ruleId();
    }

    @Test
    void eachStrictProfileHasItsSubjectFieldByField() {
        assertEquals("C=CN,O=Tax Bureau,organizationIdentifier=GOVCN,SURNAME=李,GIVENNAME=伟,CN=李伟", official().subject().toString());
        assertEquals("SURNAME=李,GIVENNAME=娜,CN=李娜", individual().subject().toString());
        assertEquals("C=CN,O=Tax Bureau,organizationIdentifier=GOVCN,CN=Tax Bureau", organization().subject().toString());
        assertEquals(CertProfile.AGENCY_MAILBOX, organization().profile());
        assertEquals("2.23.140.1.5.2.3", organization().profile().policy().getId(), "an agency mailbox is organization-validated");
    }

    // One negative case per subject rule: a template that breaks exactly that rule is refused before signing, naming it.
    @Test
    void everySubjectRuleRefusesItsViolation() {
        CertificateTemplate o = official();
        CertificateTemplate i = individual();
        CertificateTemplate g = organization();
        CertificateTemplate m = citizen();
        // §7.1.4.2.3: a mailbox-validated subject with a person's name
        assertEquals("subject.mailbox", ruleOf(m.withSubject(new X500Name("SURNAME=Li,CN=alice@city.example"))));
        // §7.1.4.2.3: its commonName is another mailbox
        assertEquals("subject.mailbox", ruleOf(m.withSubject(new X500Name("CN=mallory@city.example"))));
        // strict columns: streetAddress, postalCode, OU and unknown attributes
        assertEquals("subject.strict-attributes", ruleOf(i.withSubject(new X500Name("STREET=1 Main St,SURNAME=李,GIVENNAME=娜,CN=李娜"))));
        assertEquals("subject.strict-attributes", ruleOf(o.withSubject(new X500Name(
                "C=CN,O=Tax Bureau,OU=Audit,organizationIdentifier=GOVCN,SURNAME=李,GIVENNAME=伟,CN=李伟"))));
        assertEquals("subject.strict-attributes", ruleOf(g.withSubject(new X500Name("C=CN,O=Tax Bureau,2.5.4.97=GOVCN,POSTALCODE=310000,CN=Tax Bureau"))));
        // §7.1.4.2.4: organization-validated without organizationIdentifier, and with a person's name
        assertEquals("subject.organization", ruleOf(g.withSubject(new X500Name("C=CN,O=Tax Bureau,CN=Tax Bureau"))));
        assertEquals("subject.organization", ruleOf(g.withSubject(new X500Name("C=CN,O=Tax Bureau,organizationIdentifier=GOVCN,SURNAME=李,CN=Tax Bureau"))));
        // §7.1.4.2.5: sponsor-validated without the agency's identifier, and without givenName/surname/pseudonym
        assertEquals("subject.sponsor", ruleOf(o.withSubject(new X500Name("C=CN,O=Tax Bureau,SURNAME=李,GIVENNAME=伟,CN=李伟"))));
        assertEquals("subject.sponsor", ruleOf(o.withSubject(new X500Name("C=CN,O=Tax Bureau,2.5.4.97=GOVCN,CN=李伟"))));
        // §7.1.4.2.6: individual-validated with an organisation, and with the name only as commonName
        assertEquals("subject.individual", ruleOf(i.withSubject(new X500Name("O=Acme,SURNAME=李,GIVENNAME=娜,CN=李娜"))));
        assertEquals("subject.individual", ruleOf(i.withSubject(new X500Name("CN=李娜"))));
        // §7.1.4.2.2(e), (f): pseudonym beside a surname
        assertEquals("subject.pseudonym-exclusive", ruleOf(i.withSubject(new X500Name("SURNAME=李,PSEUDONYM=小娜,CN=小娜"))));
        // §7.1.4.2.2(d): organizationIdentifier outside the registration schemes
        assertEquals("subject.organization-identifier", ruleOf(g.withSubject(new X500Name(
                "C=CN,O=Tax Bureau,2.5.4.97=TAX-12345,CN=Tax Bureau"))));
        // §7.1.4.2.2(a): commonName that is neither the person's name nor the organisation
        assertEquals("subject.common-name", ruleOf(o.withSubject(new X500Name("C=CN,O=Tax Bureau,organizationIdentifier=GOVCN,SURNAME=李,GIVENNAME=伟,CN=王芳"))));
        assertEquals("subject.common-name", ruleOf(g.withSubject(new X500Name("C=CN,O=Tax Bureau,2.5.4.97=GOVCN,CN=Mayor's Office"))));
        // §7.1.4.2.2(n): countryName not an ISO 3166-1 code
        assertEquals("subject.country", ruleOf(g.withSubject(new X500Name("C=cn,O=Tax Bureau,2.5.4.97=GOVCN,CN=Tax Bureau"))));
        // and each rule's text cites its section
        for (LintRule r : LINTER.rules()) {
            if (r.id().startsWith("subject.")) {
                assertTrue(r.description().contains("S/MIME BR §7.1.4.2"), r.id() + ": " + r.description());
            }
        }
    }

    @Test
    void namesAreDerivedForAccountsWithoutStoredParts() {
        assertEquals(PersonName.of("李", "娜"), PersonName.derive("李娜"));
        assertEquals(PersonName.of("欧阳", "修"), PersonName.derive("欧阳修"));
        assertEquals(PersonName.of("司马", "相如"), PersonName.derive("司马相如"));
        assertEquals(PersonName.of("王", "小明"), PersonName.derive("王小明"));
        assertEquals(PersonName.of("Chen", "Bob"), PersonName.derive("Bob Chen"));
        assertEquals(PersonName.of("买买提", "阿依古丽"), PersonName.derive("阿依古丽·买买提"));
        assertEquals(PersonName.of("Madonna", null), PersonName.derive("Madonna"));
        assertEquals("李娜", PersonName.of("李", "娜").fullName());
        assertEquals("Bob Chen", PersonName.of("Chen", "Bob").fullName());
    }

    @Test
    void weakKeyIsRefused() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(1024);
        CertificateTemplate t = PROFILES.smime(Subject.citizen("alice@city.example", null), g.generateKeyPair().getPublic(), issuing);
        assertEquals("certificate refused by lint rule key.strength (RSA keys of at least 2048 bits or ECDSA on P-256, P-384"
                + " or P-521 (S/MIME BR §6.1.5)): RSA key has 1024 bits; at least 2048 are required", refusal(t));
    }
}

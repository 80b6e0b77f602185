package org.civicmail.ca.lint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
import org.civicmail.ca.Subject;
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
        assertEquals("certificate refused by lint rule smime.subject (subject attributes allowed by the validation type (S/MIME BR §7.1.4.2.2)):"
                + " a mailbox-validated subject may only hold commonName = the address, found O=Acme,CN=alice@city.example",
                refusal(t.withSubject(new X500Name("O=Acme,CN=alice@city.example"))));
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

package org.civicmail.ca.authority;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.civicmail.ca.CaUrls;
import org.civicmail.ca.KeyAlgorithm;
import org.civicmail.ca.Openssl;
import org.civicmail.ca.Pem;
import org.civicmail.ca.Subject;
import org.civicmail.ca.keys.KeyFileSigner;
import org.civicmail.ca.keys.Signer;
import org.civicmail.ca.lint.LintException;
import org.civicmail.ca.lint.Linter;
import org.civicmail.ca.profile.CertificateTemplate;
import org.civicmail.ca.profile.ProfileFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The purpose-bound issuing CAs (S/MIME BR §7.1.2.2): root → S/MIME issuing CA constrained to the city's
 * mail domains, root → TLS issuing CA constrained to its host names. Our CA refuses a foreign name before
 * signing; openssl and NSS refuse a hand-made one in path validation.
 */
class ConstrainedIssuingCasIT {
    @TempDir
    Path dir;

    final ProfileFactory profiles = new ProfileFactory("CN", "CivicMail City", new CaUrls("http://ca.city.example"), Clock.systemUTC());
    final CertificateIssuer issuer = new CertificateIssuer(Linter.standard(), new SecureRandom());
    KeyFileSigner root;
    KeyFileSigner smimeCa;
    KeyFileSigner tlsCa;
    Path rootPem;
    Path nss;

    @BeforeEach
    void hierarchy() throws Exception {
        KeyPair rootKeys = KeyAlgorithm.EC_P256.generate();
        CertificateTemplate rt = profiles.rootCa(rootKeys.getPublic());
        KeyFileSigner keyOnly = new KeyFileSigner(rootKeys.getPrivate(), List.of());
        X509Certificate rootCert = issuer.sign(rt, issuer.newSerial(), new Signer() {
            @Override
            public X509Certificate certificate() {
                throw new IllegalStateException("self-signed");
            }

            @Override
            public org.bouncycastle.operator.ContentSigner contentSigner() {
                return keyOnly.contentSigner();
            }
        });
        root = new KeyFileSigner(rootKeys.getPrivate(), List.of(rootCert));
        KeyPair smimeKeys = KeyAlgorithm.EC_P256.generate();
        smimeCa = new KeyFileSigner(smimeKeys.getPrivate(), List.of(issuer.sign(
                profiles.smimeIssuingCa(smimeKeys.getPublic(), rootCert, List.of("gov.city.example", "citizen.city.example")),
                issuer.newSerial(), root), rootCert));
        KeyPair tlsKeys = KeyAlgorithm.EC_P256.generate();
        tlsCa = new KeyFileSigner(tlsKeys.getPrivate(), List.of(issuer.sign(
                profiles.tlsIssuingCa(tlsKeys.getPublic(), rootCert, List.of("mail.city.example", "localhost", "127.0.0.1")),
                issuer.newSerial(), root), rootCert));
        rootPem = write("root.pem", Pem.certificates(rootCert));
        nss = dir.resolve("nss");
        Files.createDirectories(nss);
        ok(certutil("-N", "-d", "sql:" + nss, "--empty-password"));
        ok(certutil("-A", "-d", "sql:" + nss, "-n", "root", "-t", "C,C,C", "-i", rootPem.toString()));
        ok(certutil("-A", "-d", "sql:" + nss, "-n", "smime-ca", "-t", ",,", "-i", write("smime-ca.pem",
                Pem.certificates(smimeCa.certificate())).toString()));
        ok(certutil("-A", "-d", "sql:" + nss, "-n", "tls-ca", "-t", ",,", "-i", write("tls-ca.pem",
                Pem.certificates(tlsCa.certificate())).toString()));
    }

    @Test
    void theIssuingCasCarryWhatBrSection7122Asks() throws Exception {
        String smime = Openssl.run("x509", "-in", dir.resolve("smime-ca.pem").toString(), "-noout", "-text").output();
        assertTrue(smime.contains("X509v3 Name Constraints: critical"), smime);
        assertTrue(smime.contains("email:gov.city.example") && smime.contains("email:citizen.city.example"), smime);
        assertTrue(smime.contains("E-mail Protection") && !smime.contains("TLS Web Server"), smime);
        assertTrue(smime.contains("Policy: 2.23.140.1.5.3.3"), smime);
        assertTrue(smime.contains("URI:http://ca.city.example/crl/root.crl"), smime);
        assertTrue(smime.contains("CA Issuers - URI:http://ca.city.example/ca/root.der"), smime);
        String tls = Openssl.run("x509", "-in", dir.resolve("tls-ca.pem").toString(), "-noout", "-text").output();
        assertTrue(tls.contains("DNS:mail.city.example") && tls.contains("IP:127.0.0.1/255.255.255.255"), tls);
        assertTrue(tls.contains("TLS Web Server Authentication") && !tls.contains("E-mail Protection"), tls);
    }

    @Test
    void certificatesUnderTheBoundCasPassOpensslStrictAndNss() throws Exception {
        X509Certificate official = sign(profiles.smime(Subject.official("li.wei@gov.city.example", "Li Wei", "City Tax Bureau", null),
                KeyAlgorithm.EC_P256.generate().getPublic(), smimeCa.certificate()), smimeCa);
        judge("official", official, smimeCa, "smimesign", "S", true);
        X509Certificate citizen = sign(profiles.smime(Subject.citizen("li.na@citizen.city.example", null),
                KeyAlgorithm.EC_P256.generate().getPublic(), smimeCa.certificate()), smimeCa);
        judge("citizen", citizen, smimeCa, "smimesign", "S", true);
        X509Certificate server = sign(profiles.tlsServer(List.of("mail.city.example", "127.0.0.1"),
                KeyAlgorithm.EC_P256.generate().getPublic(), tlsCa.certificate()), tlsCa);
        judge("server", server, tlsCa, "sslserver", "V", true);
    }

    // Attack: an operator (or a compromised front end) asks the city's CA for a mailbox of another domain.
    @Test
    void ourCaRefusesAForeignMailDomainAndHostNameBeforeSigning() {
        LintException mail = assertThrows(LintException.class, () -> sign(profiles.smime(
                Subject.citizen("ceo@bank.example", null), KeyAlgorithm.EC_P256.generate().getPublic(), smimeCa.certificate()), smimeCa));
        assertEquals("certificate refused by lint rule issuer.name-constraints (every subjectAltName within the signing CA's"
                + " nameConstraints (S/MIME BR §7.1.2.2; RFC 5280 §4.2.1.10)): subjectAltName ceo@bank.example is outside what "
                + smimeCa.certificate().getSubjectX500Principal().getName() + " may certify; only the city's own mail domains and"
                + " host names can be certified under it", mail.getMessage());
        LintException host = assertThrows(LintException.class, () -> sign(profiles.tlsServer(List.of("www.bank.example"),
                KeyAlgorithm.EC_P256.generate().getPublic(), tlsCa.certificate()), tlsCa));
        assertEquals("issuer.name-constraints", host.ruleId());
        // The iPAddress constraint (only the configured addresses, /32): another machine's address is refused, named.
        LintException ip = assertThrows(LintException.class, () -> sign(profiles.tlsServer(List.of("mail.city.example", "203.0.113.7"),
                KeyAlgorithm.EC_P256.generate().getPublic(), tlsCa.certificate()), tlsCa));
        assertEquals("issuer.name-constraints", ip.ruleId());
        assertTrue(ip.getMessage().contains("subjectAltName 203.0.113.7 is outside"), ip.getMessage());
    }

    // Attack: certificates made by hand with the bound CAs' keys (bypassing our checks) for a foreign domain or host,
    // and a web server under the S/MIME CA: path validation in both judges refuses each.
    @Test
    void handMadeCertificatesOutsideTheConstraintsFailPathValidation() throws Exception {
        X509Certificate foreignMail = handMade(smimeCa, new GeneralName(GeneralName.rfc822Name, "ceo@bank.example"),
                KeyPurposeId.id_kp_emailProtection);
        judge("foreign-mail", foreignMail, smimeCa, "smimesign", "S", false);
        X509Certificate foreignHost = handMade(tlsCa, new GeneralName(GeneralName.dNSName, "www.bank.example"),
                KeyPurposeId.id_kp_serverAuth);
        judge("foreign-host", foreignHost, tlsCa, "sslserver", "V", false);
        X509Certificate foreignAddress = handMade(tlsCa, new GeneralName(GeneralName.iPAddress, "203.0.113.7"),
                KeyPurposeId.id_kp_serverAuth);
        judge("foreign-address", foreignAddress, tlsCa, "sslserver", "V", false);
        X509Certificate serverUnderSmimeCa = handMade(smimeCa, new GeneralName(GeneralName.dNSName, "mail.city.example"),
                KeyPurposeId.id_kp_serverAuth);
        judge("server-under-smime-ca", serverUnderSmimeCa, smimeCa, "sslserver", "V", false);
        // Control: the same hand-made construction inside the constraints passes both, so the refusals above are the
        // constraints' doing, not the construction's.
        judge("inside-host", handMade(tlsCa, new GeneralName(GeneralName.dNSName, "mail.city.example"), KeyPurposeId.id_kp_serverAuth),
                tlsCa, "sslserver", "V", true);
        judge("inside-mail", handMade(smimeCa, new GeneralName(GeneralName.rfc822Name, "li.na@citizen.city.example"),
                KeyPurposeId.id_kp_emailProtection), smimeCa, "smimesign", "S", true);
    }

    private X509Certificate sign(CertificateTemplate t, KeyFileSigner signer) {
        return issuer.sign(t, issuer.newSerial(), signer);
    }

    /**
     * CN is the DNS name for a server, a plain name otherwise: openssl checks a CN that is an address against the
     * constraints as well, and the refusals must come from the subjectAltName alone.
     */
    private X509Certificate handMade(KeyFileSigner ca, GeneralName san, KeyPurposeId purpose) throws Exception {
        KeyPair keys = KeyAlgorithm.EC_P256.generate();
        Date from = new Date(System.currentTimeMillis() - 60_000);
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(X500Name.getInstance(
                ca.certificate().getSubjectX500Principal().getEncoded()), new BigInteger(64, new SecureRandom()), from,
                new Date(from.getTime() + 86_400_000L * 30), new X500Name("CN=" + (san.getTagNo() == GeneralName.dNSName ? san.getName() : "Hand Made")), keys.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
        b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(san));
        b.addExtension(Extension.authorityKeyIdentifier, false,
                new org.bouncycastle.asn1.x509.AuthorityKeyIdentifier(ProfileFactory.subjectKeyId(ca.certificate())));
        return new JcaX509CertificateConverter().getCertificate(b.build(ca.contentSigner()));
    }

    private void judge(String name, X509Certificate leaf, KeyFileSigner ca, String purpose, String nssUsage, boolean valid)
            throws Exception {
        Path pem = write(name + ".pem", Pem.certificates(leaf));
        Openssl.Result o = Openssl.run("verify", "-x509_strict", "-purpose", purpose, "-CAfile", rootPem.toString(), "-untrusted",
                write(name + "-ca.pem", Pem.certificates(ca.certificate())).toString(), pem.toString());
        ok(certutil("-A", "-d", "sql:" + nss, "-n", name, "-t", ",,", "-i", pem.toString()));
        Result n = certutil("-V", "-d", "sql:" + nss, "-n", name, "-u", nssUsage);
        if (valid) {
            assertEquals(pem + ": OK\n", o.output(), name);
            assertEquals(0, n.exit(), name + ": " + n.output());
        } else {
            assertNotEquals(0, o.exit(), name + ": " + o.output());
            assertNotEquals(0, n.exit(), name + ": " + n.output());
        }
    }

    private Path write(String name, String content) throws Exception {
        return Files.writeString(dir.resolve(name), content);
    }

    record Result(int exit, String output) {
    }

    private static void ok(Result r) {
        assertEquals(0, r.exit(), r.output());
    }

    private static Result certutil(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("certutil"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("certutil did not finish: " + cmd);
        }
        return new Result(p.exitValue(), out);
    }
}

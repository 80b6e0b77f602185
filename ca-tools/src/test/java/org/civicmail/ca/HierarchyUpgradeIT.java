package org.civicmail.ca;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.civicmail.ca.lint.LintException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * In-place upgrade of a data directory made with the first-generation layout (root → one unconstrained issuing
 * CA): the next open with names creates the S/MIME and TLS issuing CAs, old certificates stay valid, new ones come
 * from the new CAs, and {@code renewAll} moves every old certificate over, revoking the old one as superseded.
 * openssl and NSS judge the result.
 */
class HierarchyUpgradeIT {
    @TempDir
    Path dir;

    @Test
    void anOldLayoutUpgradesInPlaceAndRenewAllMovesEveryCertificate() throws Exception {
        DataSource ds = TestCa.memoryDataSource();
        IssuedCredential alice;
        IssuedCredential official;
        IssuedCredential server;
        IssuedCredential compromised;
        X509Certificate legacyIssuing;
        try (TestCa old = new TestCa(dir, KeyAlgorithm.EC_P256, ds, false)) {
            assertTrue(old.ca.issuingCertificate(IssuerSlot.SMIME).isEmpty(), "the old layout has one issuing CA");
            legacyIssuing = old.ca.chain().get(0);
            alice = old.ca.issueForAccount("alice@city.example");
            official = old.ca.issueForAccount("li.wei@gov.city.example");
            server = old.ca.issueTlsServer("mail.city.example", "127.0.0.1");
            compromised = old.ca.issueForAccount("bob@city.example");
            old.ca.revoke(compromised.serial(), RevocationReason.keyCompromise);
        }
        assertTrue(Files.exists(dir.resolve("ca/issuing-ca.p12")));
        assertFalse(Files.exists(dir.resolve("ca/smime-ca.p12")));

        try (TestCa t = new TestCa(dir, KeyAlgorithm.EC_P256, ds)) {
            CertificateAuthority ca = t.ca;
            assertFalse(ca.createdOnOpen());
            X509Certificate smimeCa = ca.issuingCertificate(IssuerSlot.SMIME).orElseThrow();
            X509Certificate tlsCa = ca.issuingCertificate(IssuerSlot.TLS).orElseThrow();
            assertEquals(legacyIssuing, ca.issuingCertificate(IssuerSlot.LEGACY).orElseThrow(), "the first-generation CA stays");
            legacyIssuing.verify(ca.trustAnchor().getPublicKey());
            smimeCa.verify(ca.trustAnchor().getPublicKey());
            tlsCa.verify(ca.trustAnchor().getPublicKey());
            assertTrue(ca.verifyAuditLog().intact(), ca.verifyAuditLog().problems().toString());
            assertTrue(Files.readString(dir.resolve("ca/audit.log")).contains("|create-issuing-ca|smime="));
            Path all = t.write("all.pem", Pem.certificates(ca.caCertificates()));
            Path root = t.write("root.pem", Pem.certificates(ca.trustAnchor()));
            Path intermediates = t.write("intermediates.pem", Pem.certificates(legacyIssuing, smimeCa, tlsCa));

            // Old certificates stay valid (status and path) until renewed.
            for (IssuedCredential c : List.of(alice, official, server)) {
                assertTrue(ca.status(c.certificate()).isGood());
            }
            assertEquals(CertificateStatus.State.REVOKED, ca.status(compromised.certificate()).state());
            assertVerifies(t.write("old-alice.pem", Pem.certificates(alice.certificate())), root, intermediates, "smimesign");
            assertVerifies(t.write("old-server.pem", Pem.certificates(server.certificate())), root, intermediates, "sslserver");
            Openssl.Result oldOcsp = Openssl.run("ocsp", "-issuer", t.write("legacy.pem", Pem.certificates(legacyIssuing)).toString(),
                    "-cert", dir.resolve("old-alice.pem").toString(), "-url", t.http.baseUrl() + "/ocsp", "-CAfile", all.toString());
            assertTrue(oldOcsp.output().startsWith("Response verify OK\n" + dir.resolve("old-alice.pem") + ": good\n"), oldOcsp.output());

            // New certificates come from the purpose-bound CAs.
            IssuedCredential fresh = ca.issueForAccount("alice@city.example");
            assertEquals(smimeCa.getSubjectX500Principal(), fresh.certificate().getIssuerX500Principal());
            fresh.certificate().verify(smimeCa.getPublicKey());
            IssuedCredential freshServer = ca.issueTlsServer("mail.city.example");
            freshServer.certificate().verify(tlsCa.getPublicKey());

            List<CertificateAuthority.Renewal> handed = new ArrayList<>();
            CertificateAuthority.RenewAllResult result = ca.renewAll(handed::add);
            assertEquals(handed, result.renewed());
            Map<String, CertificateAuthority.Renewal> byOld = result.renewed().stream()
                    .collect(Collectors.toMap(r -> r.old().serialHex(), r -> r));
            assertEquals(3, byOld.size(), "alice, the official and the server; the revoked one is not renewed: " + byOld.keySet());
            Nss nss = new Nss(dir.resolve("nss"));
            nss.add("root", root, "C,C,C");
            nss.add("smime-ca", t.write("smime-ca.pem", Pem.certificates(smimeCa)), ",,");
            nss.add("tls-ca", t.write("tls-ca.pem", Pem.certificates(tlsCa)), ",,");
            for (IssuedCredential before : List.of(alice, official, server)) {
                CertificateAuthority.Renewal r = byOld.get(SerialNumbers.toHex(before.serial()));
                X509Certificate renewed = r.replacement().certificate();
                boolean tls = before == server;
                X509Certificate expectedIssuer = tls ? tlsCa : smimeCa;
                renewed.verify(expectedIssuer.getPublicKey());
                assertArrayEquals(before.certificate().getPublicKey().getEncoded(), renewed.getPublicKey().getEncoded(), "same key");
                assertEquals(List.copyOf(before.certificate().getSubjectAlternativeNames()), List.copyOf(renewed.getSubjectAlternativeNames()));
                CertificateStatus old = ca.status(before.serial());
                assertEquals(RevocationReason.superseded, old.reason().orElseThrow());
                String name = "renewed-" + SerialNumbers.toHex(before.serial()).replace(":", "");
                Path pem = t.write(name + ".pem", Pem.certificates(renewed));
                assertVerifies(pem, root, intermediates, tls ? "sslserver" : "smimesign");
                nss.add(name, pem, ",,");
                Nss.Result v = nss.verify(name, tls ? "V" : "S");
                assertEquals(0, v.exit(), name + ": " + v.output());
                // libpkix path validation (name constraints, EKU, policies) as a third opinion.
                Nss.Result chain = nss.vfychain(List.of("-u", tls ? "1" : "4"), pem,
                        t.write(name + "-ca.pem", Pem.certificates(expectedIssuer)));
                assertTrue(chain.output().contains("Chain is good!"), name + ": " + chain.output());
                Openssl.Result ocsp = Openssl.run("ocsp", "-issuer", dir.resolve(name + "-ca.pem").toString(), "-cert", pem.toString(),
                        "-url", t.http.baseUrl() + "/ocsp", "-CAfile", all.toString());
                assertTrue(ocsp.output().startsWith("Response verify OK\n" + pem + ": good\n"), ocsp.output());
            }
            // The old one is revoked (superseded), answered by the first-generation CA's own OCSP signer.
            Openssl.Result oldRevoked = Openssl.run("ocsp", "-issuer", dir.resolve("legacy.pem").toString(), "-cert",
                    dir.resolve("old-alice.pem").toString(), "-url", t.http.baseUrl() + "/ocsp", "-CAfile", all.toString());
            assertTrue(oldRevoked.output().startsWith("Response verify OK\n" + dir.resolve("old-alice.pem") + ": revoked\n")
                    && oldRevoked.output().contains("Reason: superseded"), oldRevoked.output());
            // The first-generation CA's CRL lists the superseded certificates; openssl checks the whole chain with the root CRL.
            Path legacyCrl = t.write("legacy.crl.pem", Pem.encode("X509 CRL", ca.currentCrl(IssuerSlot.LEGACY)));
            Path rootCrl = t.write("root.crl.pem", Pem.encode("X509 CRL", ca.rootCrl()));
            String crlText = Openssl.run("crl", "-noout", "-text", "-in", legacyCrl.toString()).output();
            assertEquals(3, crlText.split("Superseded", -1).length - 1, crlText);
            Openssl.Result revoked = Openssl.run("verify", "-crl_check_all", "-CAfile", root.toString(), "-untrusted",
                    intermediates.toString(), "-CRLfile", legacyCrl.toString(), "-CRLfile", rootCrl.toString(),
                    dir.resolve("old-alice.pem").toString());
            assertTrue(revoked.output().contains("certificate revoked"), revoked.output());

            assertTrue(ca.renewAll(r -> { }).renewed().isEmpty(), "a second run has nothing left to do");
        }
    }

    // Attack: an operator (or a compromised account directory) asks the city's CA for a certificate naming a foreign
    // mail domain or host; the purpose-bound CAs' name constraints make the CA refuse before signing.
    @Test
    void theRunningCaRefusesForeignNamesBeforeSigning() {
        try (TestCa t = new TestCa(dir)) {
            t.directory.add(Subject.citizen("ceo@bank.example", null));
            LintException mail = assertThrows(LintException.class, () -> t.ca.issueForAccount("ceo@bank.example"));
            assertEquals("issuer.name-constraints", mail.ruleId());
            assertTrue(mail.getMessage().contains("ceo@bank.example"), mail.getMessage());
            LintException host = assertThrows(LintException.class, () -> t.ca.issueTlsServer("www.bank.example"));
            assertEquals("issuer.name-constraints", host.ruleId());
            assertTrue(t.ca.certificatesFor("ceo@bank.example").isEmpty(), "nothing was signed or stored");
        }
    }

    private static void assertVerifies(Path leaf, Path root, Path untrusted, String purpose) {
        Openssl.Result r = Openssl.run("verify", "-x509_strict", "-purpose", purpose, "-CAfile", root.toString(), "-untrusted",
                untrusted.toString(), leaf.toString());
        assertEquals(leaf + ": OK\n", r.output());
    }
}

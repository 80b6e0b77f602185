package org.civicmail.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** openssl verify, x509 -text, CRL and OCSP against a running responder. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CertificateAuthorityOpensslIT {
    TestCa t;
    Path chain;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        t = new TestCa(dir);
        chain = t.write("chain.pem", Pem.certificates(t.ca.caCertificates()));
    }

    @AfterAll
    void stop() {
        t.close();
    }

    private Path pem(String name, java.security.cert.X509Certificate c) throws Exception {
        return t.write(name, Pem.certificates(c));
    }

    private void assertVerifies(Path cert, String purpose) {
        Openssl.Result r = Openssl.run("verify", "-CAfile", chain.toString(), "-purpose", purpose, cert.toString());
        assertEquals(0, r.exit(), r.output());
        assertEquals(cert + ": OK\n", r.output());
    }

    @Test
    void everyProfileVerifies() throws Exception {
        assertVerifies(pem("mailbox.pem", t.ca.issueForAccount("alice@city.example").certificate()), "smimesign");
        assertVerifies(pem("individual.pem", t.ca.issueForAccount("bob@city.example").certificate()), "smimesign");
        assertVerifies(pem("legal.pem", t.ca.issueForAccount("contact@acme.example").certificate()), "smimesign");
        assertVerifies(pem("official.pem", t.ca.issueForAccount("li.wei@gov.city.example", KeyAlgorithm.RSA_3072).certificate()),
                "smimeencrypt");
        assertVerifies(pem("official-rsa2048.pem", t.ca.issueForAccount("li.wei@gov.city.example", KeyAlgorithm.RSA_2048).certificate()),
                "smimesign");
        assertVerifies(pem("tls.pem", t.ca.issueTlsServer("mail.city.example", "127.0.0.1").certificate()), "sslserver");
        assertVerifies(pem("ocsp.pem", t.ca.ocspSignerCertificate()), "ocsphelper");
        assertVerifies(pem("ocsp-tls.pem", t.ca.ocspSignerCertificate(IssuerSlot.TLS)), "ocsphelper");
    }

    @Test
    void theTlsIssuingCaHasItsOwnCrlAndOcspSigner() throws Exception {
        IssuedCredential server = t.ca.issueTlsServer("mail.city.example");
        Path cert = pem("tls-revoked.pem", server.certificate());
        Path issuer = pem("tls-issuing.pem", t.ca.tlsChain().get(0));
        String text = Openssl.run("x509", "-noout", "-text", "-in", cert.toString()).output();
        assertTrue(text.contains("URI:" + t.http.baseUrl() + "/crl/tls.crl") && text.contains("CA Issuers - URI:" + t.http.baseUrl()
                + "/ca/tls.der"), text);
        t.ca.revoke(server.serial(), RevocationReason.superseded);
        Path crl = t.write("tls-crl.pem", Pem.encode("X509 CRL", t.ca.currentCrl(IssuerSlot.TLS)));
        Openssl.Result verify = Openssl.run("verify", "-crl_check", "-CAfile", chain.toString(), "-CRLfile", crl.toString(),
                cert.toString());
        assertTrue(verify.output().contains("certificate revoked"), verify.output());
        Openssl.Result ocsp = Openssl.run("ocsp", "-issuer", issuer.toString(), "-cert", cert.toString(),
                "-url", t.http.baseUrl() + "/ocsp", "-CAfile", chain.toString());
        assertTrue(ocsp.output().startsWith("Response verify OK\n" + cert + ": revoked\n"), ocsp.output());
        String responder = Openssl.run("ocsp", "-issuer", issuer.toString(), "-cert", cert.toString(), "-url", t.http.baseUrl() + "/ocsp",
                "-CAfile", chain.toString(), "-resp_text").output();
        assertTrue(responder.contains("CivicMail TLS OCSP Responder"), responder);
    }

    @Test
    void x509TextShowsTheProfileExtensions() throws Exception {
        Path cert = pem("legal-text.pem", t.ca.issueForAccount("contact@acme.example").certificate());
        String text = Openssl.run("x509", "-noout", "-text", "-in", cert.toString()).output();
        String base = t.http.baseUrl();
        for (String expected : List.of(
                "Subject: C = CN, O = \"Acme Trading Co., Ltd.\", organizationIdentifier = NTRCN-91350100M000100Y43, CN = \"Acme Trading Co., Ltd.\"",
                "X509v3 Key Usage: critical\n                Digital Signature, Key Agreement",
                "X509v3 Extended Key Usage: \n                E-mail Protection\n",
                "X509v3 Subject Alternative Name: \n                email:contact@acme.example\n",
                "X509v3 Certificate Policies: \n                Policy: 2.23.140.1.5.2.3\n",
                "X509v3 CRL Distribution Points: \n                Full Name:\n                  URI:" + base + "/crl/smime.crl",
                "OCSP - URI:" + base + "/ocsp\n",
                "CA Issuers - URI:" + base + "/ca/smime.der\n",
                "Public-Key: (256 bit)",
                "Signature Algorithm: ecdsa-with-SHA256")) {
            assertTrue(text.contains(expected), "missing '" + expected + "' in\n" + text);
        }
        String aki = text.substring(text.indexOf("X509v3 Authority Key Identifier:"));
        aki = aki.substring(0, aki.indexOf("Authority Information Access"));
        assertFalse(aki.contains("DirName") || aki.contains("serial"), aki);
        assertTrue(text.contains("X509v3 Basic Constraints: critical\n                CA:FALSE"), text);
        String ocsp = Openssl.run("x509", "-noout", "-text", "-in", pem("ocsp-text.pem", t.ca.ocspSignerCertificate()).toString()).output();
        assertTrue(ocsp.contains("OCSP Signing") && ocsp.contains("OCSP No Check"), ocsp);
    }

    @Test
    void revokedCertificateIsRevokedForCrlAndOcsp() throws Exception {
        IssuedCredential c = t.ca.issueForAccount("bob@city.example");
        Path cert = pem("revoked.pem", c.certificate());
        Path issuer = pem("issuing.pem", t.ca.chain().get(0));
        Path good = pem("still-good.pem", t.ca.issueForAccount("bob@city.example").certificate());
        t.ca.revoke(c.serial(), RevocationReason.keyCompromise);

        Path crl = t.write("crl.pem", Pem.encode("X509 CRL", t.ca.currentCrl()));
        Openssl.Result verify = Openssl.run("verify", "-crl_check", "-CAfile", chain.toString(), "-CRLfile", crl.toString(),
                cert.toString());
        assertEquals(2, verify.exit(), verify.output());
        assertTrue(verify.output().contains("error 23 at 0 depth lookup: certificate revoked"), verify.output());
        Openssl.Result ok = Openssl.run("verify", "-crl_check", "-CAfile", chain.toString(), "-CRLfile", crl.toString(),
                good.toString());
        assertEquals(0, ok.exit(), ok.output());
        String crlText = Openssl.run("crl", "-noout", "-text", "-in", crl.toString()).output();
        assertTrue(crlText.contains("Version 2") && crlText.contains("X509v3 CRL Number") && crlText.contains("Key Compromise"), crlText);

        Openssl.Result ocsp = Openssl.run("ocsp", "-issuer", issuer.toString(), "-cert", cert.toString(),
                "-url", t.http.baseUrl() + "/ocsp", "-CAfile", chain.toString());
        assertEquals(0, ocsp.exit(), ocsp.output());
        assertTrue(ocsp.output().startsWith("Response verify OK\n" + cert + ": revoked\n"), ocsp.output());
        assertTrue(ocsp.output().contains("Reason: keyCompromise"), ocsp.output());
        assertTrue(ocsp.output().contains("Revocation Time: "), ocsp.output());

        Openssl.Result goodOcsp = Openssl.run("ocsp", "-issuer", issuer.toString(), "-cert", good.toString(),
                "-url", t.http.baseUrl() + "/ocsp", "-CAfile", chain.toString());
        assertTrue(goodOcsp.output().startsWith("Response verify OK\n" + good + ": good\n"), goodOcsp.output());
        assertTrue(goodOcsp.output().contains("Next Update: "), goodOcsp.output());
    }

    @Test
    void neverIssuedSerialIsNotGood() throws Exception {
        Path issuer = pem("issuing2.pem", t.ca.chain().get(0));
        BigInteger never = new BigInteger("7fffffffffffffffffff0123456789ab", 16);
        Openssl.Result r = Openssl.run("ocsp", "-issuer", issuer.toString(), "-serial", "0x" + never.toString(16),
                "-url", t.http.baseUrl() + "/ocsp", "-CAfile", chain.toString());
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().startsWith("Response verify OK\n0x" + never.toString(16) + ": unknown\n"), r.output());
        assertEquals(CertificateStatus.State.UNKNOWN, t.ca.status(never).state());
    }
}

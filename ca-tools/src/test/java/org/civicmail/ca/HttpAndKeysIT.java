package org.civicmail.ca;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigInteger;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.SingleResp;
import org.bouncycastle.cert.ocsp.UnknownStatus;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.civicmail.ca.cli.CaCommand;
import org.civicmail.ca.cli.CaEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** HTTP endpoints, OCSP GET with nonce, keys at rest, reopening, RSA hierarchy, in-process CLI wiring. */
class HttpAndKeysIT {
    @TempDir
    Path dir;
    final HttpClient client = HttpClient.newHttpClient();

    HttpResponse<byte[]> get(String url) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void caCertificatesAndCrlAreServed() throws Exception {
        try (TestCa t = new TestCa(dir)) {
            String base = t.http.baseUrl();
            assertArrayEquals(t.ca.trustAnchor().getEncoded(), get(base + "/ca/root.der").body());
            assertArrayEquals(t.ca.chain().get(0).getEncoded(), get(base + "/ca/smime.der").body());
            assertArrayEquals(t.ca.tlsChain().get(0).getEncoded(), get(base + "/ca/tls.der").body());
            assertEquals(404, get(base + "/ca/issuing.der").statusCode(), "a new CA has no first-generation issuing CA");
            assertEquals(Pem.certificates(t.ca.trustAnchor()), new String(get(base + "/ca/root.pem").body(), StandardCharsets.US_ASCII));
            assertEquals(Pem.certificates(t.ca.caCertificates()), new String(get(base + "/ca/chain.pem").body(), StandardCharsets.US_ASCII));
            HttpResponse<byte[]> tlsCrl = get(base + "/crl/tls.crl");
            assertTrue(new X509CRLHolder(tlsCrl.body()).isSignatureValid(new JcaContentVerifierProviderBuilder().build(t.ca.tlsChain().get(0))));
            HttpResponse<byte[]> crl = get(base + "/crl/smime.crl");
            assertEquals("application/pkix-crl", crl.headers().firstValue("Content-Type").orElseThrow());
            X509CRLHolder holder = new X509CRLHolder(crl.body());
            assertTrue(holder.isSignatureValid(new JcaContentVerifierProviderBuilder().build(t.ca.chain().get(0))));
            long days = (holder.getNextUpdate().getTime() - holder.getThisUpdate().getTime()) / 86_400_000L;
            assertEquals(7, days);
            assertEquals(404, get(base + "/nothing").statusCode());
        }
    }

    @Test
    void ocspGetEchoesTheNonceAndAnswersRevokedAndUnknown() throws Exception {
        try (TestCa t = new TestCa(dir)) {
            IssuedCredential c = t.ca.issueForAccount("alice@city.example");
            t.ca.revoke(c.serial(), RevocationReason.superseded);
            var sha1 = new JcaDigestCalculatorProviderBuilder().build().get(CertificateID.HASH_SHA1);
            var issuer = new JcaX509CertificateHolder(t.ca.chain().get(0));
            byte[] nonce = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
            Extension nonceExt = new Extension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce, false,
                    new DEROctetString(new DEROctetString(nonce)));
            byte[] req = new OCSPReqBuilder().addRequest(new CertificateID(sha1, issuer, c.serial()))
                    .addRequest(new CertificateID(sha1, issuer, BigInteger.valueOf(42)))
                    .setRequestExtensions(new Extensions(nonceExt)).build().getEncoded();
            String path = URLEncoder.encode(Base64.getEncoder().encodeToString(req), StandardCharsets.US_ASCII);
            HttpResponse<byte[]> r = get(t.http.baseUrl() + "/ocsp/" + path);
            assertEquals("application/ocsp-response", r.headers().firstValue("Content-Type").orElseThrow());
            OCSPResp resp = new OCSPResp(r.body());
            assertEquals(OCSPResp.SUCCESSFUL, resp.getStatus());
            BasicOCSPResp basic = (BasicOCSPResp) resp.getResponseObject();
            assertTrue(basic.isSignatureValid(new JcaContentVerifierProviderBuilder().build(t.ca.ocspSignerCertificate())));
            assertEquals(nonceExt, basic.getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce));
            SingleResp[] singles = basic.getResponses();
            RevokedStatus revoked = assertInstanceOf(RevokedStatus.class, singles[0].getCertStatus());
            assertEquals(RevocationReason.superseded.code(), revoked.getRevocationReason());
            assertInstanceOf(UnknownStatus.class, singles[1].getCertStatus());
            assertTrue(singles[0].getNextUpdate().after(singles[0].getThisUpdate()));

            HttpResponse<byte[]> garbage = client.send(HttpRequest.newBuilder(URI.create(t.http.baseUrl() + "/ocsp"))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {1, 2, 3})).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(OCSPResp.MALFORMED_REQUEST, new OCSPResp(garbage.body()).getStatus());
        }
    }

    @Test
    void keysAreEncryptedAtRestAndReopeningKeepsTheHierarchy() throws Exception {
        var ds = TestCa.memoryDataSource();
        BigInteger root;
        try (TestCa t = new TestCa(dir, KeyAlgorithm.EC_P256, ds)) {
            root = t.ca.trustAnchor().getSerialNumber();
            assertTrue(t.ca.createdOnOpen());
        }
        try (TestCa again = new TestCa(dir, KeyAlgorithm.EC_P256, ds)) {
            assertFalse(again.ca.createdOnOpen());
            assertEquals(root, again.ca.trustAnchor().getSerialNumber());
            assertTrue(again.ca.verifyAuditLog().intact(), again.ca.verifyAuditLog().problems().toString());
        }
        Path p12 = dir.resolve("ca/smime-ca.p12");
        Openssl.Result info = Openssl.run("pkcs12", "-info", "-in", p12.toString(), "-noout", "-passin",
                "pass:" + new String(TestCa.PASSPHRASE));
        assertTrue(info.output().contains("Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC"), info.output());
        Openssl.Result wrong = Openssl.run("pkcs12", "-info", "-in", p12.toString(), "-noout", "-passin", "pass:wrong");
        assertTrue(wrong.exit() != 0);
        String raw = new String(Files.readAllBytes(p12), StandardCharsets.ISO_8859_1);
        assertFalse(raw.contains("PRIVATE KEY"));

        CaConfig wrongPass = new CaConfig(ds, dir.resolve("ca"), new CaUrls("http://127.0.0.1:1"), null,
                PassphraseSource.of("a different passphrase".toCharArray()), null, null, null);
        CaException e = org.junit.jupiter.api.Assertions.assertThrows(CaException.class,
                () -> CertificateAuthority.open(wrongPass, a -> java.util.Optional.empty()));
        assertEquals("cannot decrypt keystore " + p12 + ": the passphrase from CIVICMAIL_CA_PASSPHRASE (or"
                + " CIVICMAIL_CA_PASSPHRASE_FILE) is not the one it was created with", e.getMessage());
    }

    @Test
    void rsaHierarchyVerifiesWithOpenssl() throws Exception {
        try (TestCa t = new TestCa(dir, KeyAlgorithm.RSA_3072)) {
            Path chain = t.write("chain.pem", Pem.certificates(t.ca.chain()));
            Path leaf = t.write("rsa.pem", Pem.certificates(t.ca.issueForAccount("bob@city.example").certificate()));
            Openssl.Result r = Openssl.run("verify", "-CAfile", chain.toString(), "-purpose", "smimesign", leaf.toString());
            assertEquals(leaf + ": OK\n", r.output());
            String text = Openssl.run("x509", "-noout", "-text", "-in", leaf.toString()).output();
            assertTrue(text.contains("Public-Key: (3072 bit)") && text.contains("Digital Signature, Key Encipherment")
                    && text.contains("Policy: 2.23.140.1.5.4.3") && text.contains("Subject: SN = Chen, GN = Bob, CN = Bob Chen"), text);
            String root = Openssl.run("x509", "-noout", "-text", "-in", t.write("root.pem", Pem.certificates(t.ca.trustAnchor())).toString()).output();
            assertTrue(root.contains("Signature Algorithm: sha256WithRSAEncryption"), root);
        }
    }

    @Test
    void hostWiresTheCommandsWithItsOwnEnvironment() throws Exception {
        try (TestCa t = new TestCa(dir)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
            PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
            CaEnvironment env = new CaEnvironment() {
                public CertificateAuthority authority() {
                    return t.ca;
                }

                public PrintStream out() {
                    return o;
                }

                public PrintStream err() {
                    return e;
                }
            };
            @CommandLine.Command(name = "civicmail")
            class Host {
            }
            CommandLine host = new CommandLine(new Host());
            host.addSubcommand("ca", new CaCommand(env));
            IssuedCredential c = t.ca.issueForAccount("contact@acme.example");
            assertEquals(0, host.execute("ca", "show", "--serial", "0x" + c.serial().toString(16)));
            assertTrue(out.toString(StandardCharsets.UTF_8).contains("profile:     LEGAL_ENTITY\n"), out.toString());
            assertEquals(0, host.execute("ca", "audit", "verify"));
            assertEquals(2, host.execute("ca", "show", "--serial", "xyz"));
        }
    }
}

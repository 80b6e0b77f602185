package org.civicmail.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.SingleResp;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Revocation timing and identifiers as the S/MIME BR ask (§4.9.7, §4.9.10, §7.1.2.3), judged by openssl. */
class RevocationTimingIT {
    @TempDir
    Path dir;

    @Test
    void everyEndEntityAndTheOcspSignerCarryASubjectKeyIdentifier() throws Exception {
        try (TestCa t = new TestCa(dir)) {
            for (var cert : java.util.List.of(t.ca.issueForAccount("li.wei@gov.city.example").certificate(),
                    t.ca.issueForAccount("alice@city.example").certificate(),
                    t.ca.issueForAccount("contact@acme.example").certificate(),
                    t.ca.issueTlsServer("mail.city.example").certificate(), t.ca.ocspSignerCertificate())) {
                Path pem = t.write("c.pem", Pem.certificates(cert));
                String ext = Openssl.run("x509", "-in", pem.toString(), "-noout", "-ext", "subjectKeyIdentifier").output();
                String expected = java.util.HexFormat.ofDelimiter(":").withUpperCase()
                        .formatHex(org.civicmail.ca.profile.ProfileFactory.keyId(cert.getPublicKey()));
                assertTrue(ext.contains(expected), cert.getSubjectX500Principal() + ": " + ext);
            }
        }
    }

    @Test
    void ocspResponsesAreValidForAtLeastEightHoursAndCrlsAtMostTenDays() throws Exception {
        try (TestCa t = new TestCa(dir)) {
            IssuedCredential c = t.ca.issueForAccount("alice@city.example");
            var sha1 = new JcaDigestCalculatorProviderBuilder().build().get(CertificateID.HASH_SHA1);
            byte[] req = new OCSPReqBuilder().addRequest(new CertificateID(sha1, new JcaX509CertificateHolder(t.ca.chain().get(0)),
                    c.serial())).build().getEncoded();
            BasicOCSPResp basic = (BasicOCSPResp) new OCSPResp(t.ca.ocspResponder().respond(req)).getResponseObject();
            SingleResp single = basic.getResponses()[0];
            Duration validity = Duration.between(single.getThisUpdate().toInstant(), single.getNextUpdate().toInstant());
            assertTrue(validity.compareTo(Duration.ofHours(8)) >= 0 && validity.compareTo(Duration.ofDays(10)) <= 0,
                    "BR §4.9.10: 8 h <= " + validity + " <= 10 days");

            X509CRLHolder crl = new X509CRLHolder(t.ca.currentCrl());
            Duration crlValidity = Duration.between(crl.getThisUpdate().toInstant(), crl.getNextUpdate().toInstant());
            assertTrue(crlValidity.compareTo(Duration.ofDays(10)) <= 0, "BR §4.9.7: nextUpdate within 10 days, was " + crlValidity);
        }
    }

    // Attack: a relying party that checks the whole chain (-crl_check_all) needs the root's CRL too.
    @Test
    void theRootCrlIsServedAndCompletesAFullChainCheck() throws Exception {
        try (TestCa t = new TestCa(dir)) {
            HttpResponse<byte[]> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(t.http.baseUrl() + CaUrls.ROOT_CRL)).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, r.statusCode());
            assertEquals("application/pkix-crl", r.headers().firstValue("Content-Type").orElseThrow());
            X509CRLHolder arl = new X509CRLHolder(r.body());
            assertTrue(arl.isSignatureValid(new JcaContentVerifierProviderBuilder().build(t.ca.trustAnchor())));
            assertEquals(t.ca.trustAnchor().getSubjectX500Principal().getName(),
                    new javax.security.auth.x500.X500Principal(arl.getIssuer().getEncoded()).getName());
            Duration validity = Duration.between(arl.getThisUpdate().toInstant(), arl.getNextUpdate().toInstant());
            assertTrue(validity.compareTo(Duration.ofDays(366)) < 0, "BR §4.9.7: at most twelve months, was " + validity);

            IssuedCredential c = t.ca.issueForAccount("alice@city.example");
            Path leaf = t.write("leaf.pem", Pem.certificates(c.certificate()));
            Path chain = t.write("chain.pem", Pem.certificates(t.ca.chain()));
            Path rootCrl = t.write("root.crl.pem", Pem.encode("X509 CRL", r.body()));
            Path issuingCrl = t.write("issuing.crl.pem", Pem.encode("X509 CRL", t.ca.currentCrl()));
            Openssl.Result ok = Openssl.run("verify", "-crl_check_all", "-CAfile", chain.toString(), "-CRLfile", rootCrl.toString(),
                    "-CRLfile", issuingCrl.toString(), leaf.toString());
            assertEquals(leaf + ": OK\n", ok.output());
            // without the root's CRL openssl cannot finish the check
            Openssl.Result missing = Openssl.run("verify", "-crl_check_all", "-CAfile", chain.toString(),
                    "-CRLfile", issuingCrl.toString(), leaf.toString());
            assertTrue(missing.output().contains("unable to get certificate CRL"), missing.output());

            t.ca.revoke(c.serial(), RevocationReason.keyCompromise);
            Files.writeString(issuingCrl, Pem.encode("X509 CRL", t.ca.currentCrl()));
            Openssl.Result revoked = Openssl.run("verify", "-crl_check_all", "-CAfile", chain.toString(), "-CRLfile", rootCrl.toString(),
                    "-CRLfile", issuingCrl.toString(), leaf.toString());
            assertTrue(revoked.output().contains("certificate revoked"), revoked.output());
        }
    }
}

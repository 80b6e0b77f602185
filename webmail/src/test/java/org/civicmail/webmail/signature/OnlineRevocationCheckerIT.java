package org.civicmail.webmail.signature;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPRespBuilder;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.OCSPReq;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.OCSPRespBuilder;
import org.bouncycastle.cert.ocsp.Req;
import org.bouncycastle.cert.ocsp.RespID;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.civicmail.webmail.signature.RevocationChecker.Status.State;
import org.civicmail.webmail.testkit.TestPki;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The real OCSP and CRL client against a tiny in-test responder and CRL server signed by the issuing CA. */
class OnlineRevocationCheckerIT {

    static final Instant REVOKED_AT = Instant.parse("2026-02-03T04:05:06Z");
    static TestPki pki;
    static HttpServer http;
    static String base;
    static final Set<BigInteger> revoked = ConcurrentHashMap.newKeySet();

    @BeforeAll
    static void start() throws Exception {
        pki = TestPki.create("OCSP City");
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/ocsp", ex -> {
            try {
                OCSPReq req = new OCSPReq(ex.getRequestBody().readAllBytes());
                BasicOCSPRespBuilder b = new BasicOCSPRespBuilder(new RespID(
                        X500Name.getInstance(pki.issuing.getSubjectX500Principal().getEncoded())));
                for (Req r : req.getRequestList()) {
                    CertificateStatus status = revoked.contains(r.getCertID().getSerialNumber())
                            ? new RevokedStatus(Date.from(REVOKED_AT), CRLReason.keyCompromise) : CertificateStatus.GOOD;
                    b.addResponse(r.getCertID(), status);
                }
                byte[] body = new OCSPRespBuilder().build(OCSPRespBuilder.SUCCESSFUL, b.build(
                        new JcaContentSignerBuilder("SHA256withRSA").build(pki.issuingKey.getPrivate()), null, new Date()))
                        .getEncoded();
                ex.getResponseHeaders().add("Content-Type", "application/ocsp-response");
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body);
            } catch (Exception e) {
                ex.sendResponseHeaders(500, -1);
            }
            ex.close();
        });
        http.createContext("/crl", ex -> {
            try {
                X509v2CRLBuilder b = new X509v2CRLBuilder(new JcaX509CertificateHolder(pki.issuing).getSubject(), new Date());
                for (BigInteger serial : revoked) {
                    b.addCRLEntry(serial, Date.from(REVOKED_AT), CRLReason.keyCompromise);
                }
                b.setNextUpdate(Date.from(Instant.now().plus(1, ChronoUnit.DAYS)));
                byte[] body = b.build(new JcaContentSignerBuilder("SHA256withRSA").build(pki.issuingKey.getPrivate())).getEncoded();
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body);
            } catch (Exception e) {
                ex.sendResponseHeaders(500, -1);
            }
            ex.close();
        });
        http.start();
        base = "http://127.0.0.1:" + http.getAddress().getPort();
    }

    @AfterAll
    static void stop() {
        http.stop(0);
    }

    private final OnlineRevocationChecker checker = new OnlineRevocationChecker();

    @Test
    void ocspGoodAndRevoked() throws Exception {
        TestPki.Entity good = pki.personWithRevocationUrls("a@city.test", "A", base + "/ocsp", null);
        TestPki.Entity bad = pki.personWithRevocationUrls("b@city.test", "B", base + "/ocsp", null);
        revoked.add(bad.cert().getSerialNumber());
        assertEquals(State.GOOD, checker.check(good.cert(), pki.issuing).state());
        RevocationChecker.Status s = checker.check(bad.cert(), pki.issuing);
        assertEquals(State.REVOKED, s.state());
        assertEquals(REVOKED_AT, s.revokedAt());
    }

    @Test
    void crlUsedWhenNoOcspOrOcspDown() throws Exception {
        TestPki.Entity bad = pki.personWithRevocationUrls("c@city.test", "C", base + "/nothing-here", base + "/crl");
        revoked.add(bad.cert().getSerialNumber());
        RevocationChecker.Status s = checker.check(bad.cert(), pki.issuing);
        assertEquals(State.REVOKED, s.state());
        assertEquals(REVOKED_AT, s.revokedAt());
        TestPki.Entity good = pki.personWithRevocationUrls("d@city.test", "D", null, base + "/crl");
        assertEquals(State.GOOD, checker.check(good.cert(), pki.issuing).state());
    }

    @Test
    void responseSignedBySomeoneElseIsNotBelieved() throws Exception {
        TestPki other = TestPki.create("Other");
        TestPki.Entity e = pki.personWithRevocationUrls("e@city.test", "E", base + "/ocsp", null);
        // Checking against the wrong issuer: the responder's signature does not verify with that issuer's key.
        RevocationChecker.Status s = checker.check(e.cert(), other.issuing);
        assertEquals(State.UNKNOWN, s.state());
        assertTrue(s.detail().contains("not signed by the issuer"), s.detail());
    }

    @Test
    void noUrlsIsUnknown() throws Exception {
        TestPki.Entity e = pki.personWithRevocationUrls("f@city.test", "F", null, null);
        assertEquals("certificate names no OCSP or CRL address", checker.check(e.cert(), pki.issuing).detail());
    }
}

package org.civicmail.verdict.revocation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicReference;

import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPRespBuilder;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.OCSPReq;
import org.bouncycastle.cert.ocsp.OCSPRespBuilder;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.UnknownStatus;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.civicmail.verdict.testkit.Pki;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

/** Issue 11 "Why" 9: revocation data is used only when it comes from the right signer, is fresh, and answers us. */
class RevocationDataTest {
    static Pki ca;
    static Pki other;
    static Pki.Entity leaf;
    static final Instant NOW = Instant.now();
    static final byte[] NONCE = "0123456789abcdef".getBytes();
    static HttpServer http;
    static final AtomicReference<byte[]> crlBody = new AtomicReference<>();
    static final AtomicReference<ResponseShape> ocspShape = new AtomicReference<>();

    /** How the test responder answers a request it receives. */
    interface ResponseShape {
        byte[] answer(OCSPReq request) throws Exception;
    }

    @BeforeAll
    static void setUp() throws Exception {
        ca = Pki.create("Revocation Test CA");
        other = Pki.create("Other CA");
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/crl", exchange -> reply(exchange, crlBody.get()));
        http.createContext("/ocsp", exchange -> {
            try {
                reply(exchange, ocspShape.get().answer(new OCSPReq(exchange.getRequestBody().readAllBytes())));
            } catch (Exception e) {
                reply(exchange, null);
            }
        });
        http.start();
        String base = "http://127.0.0.1:" + http.getAddress().getPort();
        leaf = ca.person("clerk@foreign.example", new Pki.LeafOptions().ocsp(base + "/ocsp").crl(base + "/crl"));
    }

    @AfterAll
    static void tearDown() {
        http.stop(0);
    }

    private static void reply(com.sun.net.httpserver.HttpExchange exchange, byte[] body) throws IOException {
        if (body == null) {
            exchange.sendResponseHeaders(503, -1);
        } else {
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
        exchange.close();
    }

    static CertificateID id(X509Certificate cert) throws Exception {
        return new CertificateID(new JcaDigestCalculatorProviderBuilder().build().get(CertificateID.HASH_SHA1),
            new JcaX509CertificateHolder(ca.issuing.cert()), cert.getSerialNumber());
    }

    static byte[] response(Pki.Entity signer, CertificateStatus status, Instant thisUpdate, Instant nextUpdate, byte[] nonce)
        throws Exception {
        BasicOCSPRespBuilder b = new BasicOCSPRespBuilder(new JcaX509CertificateHolder(signer.cert()).getSubjectPublicKeyInfo(),
            new JcaDigestCalculatorProviderBuilder().build().get(CertificateID.HASH_SHA1));
        b.addResponse(id(leaf.cert()), status, Date.from(thisUpdate), nextUpdate == null ? null : Date.from(nextUpdate), null);
        if (nonce != null) {
            b.setResponseExtensions(new Extensions(new Extension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce, false, new DEROctetString(nonce))));
        }
        X509CertificateHolder[] chain = {new JcaX509CertificateHolder(signer.cert())};
        return new OCSPRespBuilder().build(OCSPRespBuilder.SUCCESSFUL,
            b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.key().getPrivate()), chain, Date.from(thisUpdate))).getEncoded();
    }

    static RevocationStatus judge(byte[] der) throws Exception {
        return OcspClient.judge(der, id(leaf.cert()), NONCE, ca.issuing.cert(), NOW);
    }

    @Test
    void anAnswerSignedByTheIssuerItselfIsUsed() throws Exception {
        assertThat(judge(response(ca.issuing, CertificateStatus.GOOD, NOW, NOW.plus(Duration.ofHours(4)), NONCE)).state())
            .isEqualTo(RevocationStatus.State.GOOD);
    }

    @Test
    void aDelegatedResponderWithOcspSigningIsUsedAndRevocationCarriesTimeAndReason() throws Exception {
        Instant revokedAt = NOW.minus(Duration.ofDays(1));
        RevocationStatus s = judge(response(ca.ocspResponder(true), new RevokedStatus(Date.from(revokedAt), CRLReason.keyCompromise),
            NOW, NOW.plus(Duration.ofHours(4)), NONCE));
        assertThat(s.state()).isEqualTo(RevocationStatus.State.REVOKED);
        assertThat(s.revokedAt()).contains(revokedAt.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        assertThat(s.reason()).contains("keyCompromise");
    }

    @Test
    void aCertificateOfTheIssuerWithoutOcspSigningCannotSpeakForIt() throws Exception {
        // Attack (Why 9): any certificate the CA issued — here one for e-mail — signs a "good" answer.
        assertThatThrownBy(() -> judge(response(ca.ocspResponder(false), CertificateStatus.GOOD, NOW, NOW.plus(Duration.ofHours(4)), NONCE)))
            .hasMessage("response not signed by the issuer or a delegated responder (id-kp-OCSPSigning) it certified");
        assertThatThrownBy(() -> judge(response(ca.person("someone@x.example"), CertificateStatus.GOOD, NOW, NOW.plus(Duration.ofHours(4)),
            NONCE))).hasMessageContaining("not signed by the issuer");
    }

    @Test
    void aResponderOfAnotherCaCannotSpeakForThisOne() throws Exception {
        // Attack: a responder with id-kp-OCSPSigning, but certified by another CA.
        assertThatThrownBy(() -> judge(response(other.ocspResponder(true), CertificateStatus.GOOD, NOW, NOW.plus(Duration.ofHours(4)), NONCE)))
            .hasMessageContaining("not signed by the issuer");
    }

    @Test
    void aReplayedAnswerIsRefused() throws Exception {
        // Attack: an old "good" answer replayed after the revocation: no nonce, or someone else's.
        assertThatThrownBy(() -> judge(response(ca.issuing, CertificateStatus.GOOD, NOW, NOW.plus(Duration.ofHours(4)), null)))
            .hasMessage("response does not echo our nonce (replayed or cached answer)");
        assertThatThrownBy(() -> judge(response(ca.issuing, CertificateStatus.GOOD, NOW, NOW.plus(Duration.ofHours(4)), "fedcba9876543210".getBytes())))
            .hasMessage("response does not echo our nonce (replayed or cached answer)");
    }

    @Test
    void anAnswerOutsideItsValidityWindowIsRefused() throws Exception {
        Instant expiredAt = NOW.minus(Duration.ofHours(1));
        assertThatThrownBy(() -> judge(response(ca.issuing, CertificateStatus.GOOD, NOW.minus(Duration.ofHours(5)), expiredAt, NONCE)))
            .hasMessageStartingWith("response expired at its nextUpdate ");
        assertThatThrownBy(() -> judge(response(ca.issuing, CertificateStatus.GOOD, NOW.plus(Duration.ofHours(1)), NOW.plus(Duration.ofHours(5)), NONCE)))
            .hasMessageEndingWith("is in the future");
    }

    @Test
    void unknownToItsIssuerIsNotIssued() throws Exception {
        assertThat(judge(response(ca.issuing, new UnknownStatus(), NOW, NOW.plus(Duration.ofHours(4)), NONCE)).state())
            .isEqualTo(RevocationStatus.State.NOT_ISSUED);
    }

    static byte[] crl(Pki.Entity signer, Instant thisUpdate, Instant nextUpdate, BigInteger revoked) throws Exception {
        X509v2CRLBuilder b = new X509v2CRLBuilder(X500Name.getInstance(signer.cert().getSubjectX500Principal().getEncoded()), Date.from(thisUpdate));
        if (nextUpdate != null) {
            b.setNextUpdate(Date.from(nextUpdate));
        }
        if (revoked != null) {
            b.addCRLEntry(revoked, Date.from(NOW.minus(Duration.ofHours(2))), CRLReason.keyCompromise);
        }
        X509CRLHolder holder = b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.key().getPrivate()));
        return holder.getEncoded();
    }

    static X509CRL parse(byte[] der) throws Exception {
        return (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(new java.io.ByteArrayInputStream(der));
    }

    @Test
    void aStaleCrlIsNotUsed() throws Exception {
        // Attack (Why 9): serve last month's CRL, from before the revocation.
        byte[] stale = crl(ca.issuing, NOW.minus(Duration.ofDays(30)), NOW.minus(Duration.ofDays(23)), null);
        assertThatThrownBy(() -> CrlClient.usableUntil(parse(stale), ca.issuing.cert(), NOW)).hasMessageContaining("CRL is stale");
        byte[] undated = crl(ca.issuing, NOW.minus(Duration.ofHours(1)), null, null);
        assertThatThrownBy(() -> CrlClient.usableUntil(parse(undated), ca.issuing.cert(), NOW))
            .hasMessage("CRL has no nextUpdate; its freshness cannot be judged");
    }

    @Test
    void aCrlSignedByAnotherKeyIsNotUsed() throws Exception {
        // Attack: a CRL with the right issuer name, signed by a CA that copies the name.
        Pki twin = Pki.create("Revocation Test CA");
        byte[] forged = crl(twin.issuing, NOW.minus(Duration.ofHours(1)), NOW.plus(Duration.ofDays(1)), null);
        assertThatThrownBy(() -> CrlClient.usableUntil(parse(forged), ca.issuing.cert(), NOW)).isInstanceOf(java.security.SignatureException.class);
    }

    @Test
    void overHttpOcspIsAskedFirstAndTheCrlWhenOcspGivesNoUsableAnswer() throws Exception {
        OnlineRevocation online = new OnlineRevocation(new OcspClient(Clock.systemUTC()), new CrlClient(Duration.ZERO, Clock.systemUTC()));
        crlBody.set(crl(ca.issuing, NOW.minus(Duration.ofHours(1)), NOW.plus(Duration.ofDays(1)), leaf.cert().getSerialNumber()));

        // The responder echoes the nonce of each request (RFC 8954 form: an OCTET STRING in extnValue): its answer is used.
        ocspShape.set(request -> response(ca.issuing, CertificateStatus.GOOD, Instant.now(), Instant.now().plus(Duration.ofHours(4)),
            ASN1OctetString.getInstance(request.getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce).getExtnValue().getOctets()).getOctets()));
        assertThat(online.status(leaf.cert(), ca.issuing.cert()).state()).isEqualTo(RevocationStatus.State.GOOD);

        // A replayed answer is no answer: the fresh CRL decides (and it says revoked).
        byte[] replayed = response(ca.issuing, CertificateStatus.GOOD, NOW, NOW.plus(Duration.ofHours(4)), NONCE);
        ocspShape.set(request -> replayed);
        RevocationStatus fromCrl = online.status(leaf.cert(), ca.issuing.cert());
        assertThat(fromCrl.state()).isEqualTo(RevocationStatus.State.REVOKED);
        assertThat(fromCrl.reason()).contains("keyCompromise");

        // Both unusable: unknown, saying why.
        crlBody.set(crl(ca.issuing, NOW.minus(Duration.ofDays(30)), NOW.minus(Duration.ofDays(23)), null));
        RevocationStatus unknown = online.status(leaf.cert(), ca.issuing.cert());
        assertThat(unknown.state()).isEqualTo(RevocationStatus.State.UNKNOWN);
        assertThat(unknown.detail()).contains("does not echo our nonce").contains("CRL is stale");
    }
}

package org.civicmail.webmail.signature;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.civicmail.verdict.Authorities;
import org.civicmail.verdict.SignatureVerdict;
import org.civicmail.verdict.SignatureVerdict.Kind;
import org.civicmail.verdict.SignatureVerdict.Reason;
import org.civicmail.verdict.SignatureVerifier;
import org.civicmail.verdict.revocation.RevocationSource;
import org.civicmail.verdict.revocation.RevocationStatus;
import org.civicmail.webmail.testkit.TestPki;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shared verifier as the webmail sets it up (the city CA's certificates from its PEM, one revocation source)
 * on messages made by another S/MIME implementation: BouncyCastle's Jakarta Mail generator, re-parsed and written
 * out the way the webmail receives them over IMAP.
 */
class SharedVerifierInteropTest {

    static TestPki pki;
    static TestPki stranger;
    static TestPki.Entity water;

    @BeforeAll
    static void pki() throws Exception {
        pki = TestPki.create("Test City");
        stranger = TestPki.create("Elsewhere");
        water = pki.person("billing@water.city.test", "王明", "市自来水公司");
    }

    private static SignatureVerifier verifier(RevocationSource revocation) {
        return new SignatureVerifier(new Authorities(List.of(pki.root), List.of()), revocation, revocation);
    }

    private static SignatureVerdict verify(RevocationSource revocation, MimeMessage m, Instant arrivedAt) throws Exception {
        return verifier(revocation).verify(TestPki.bytes(m), arrivedAt);
    }

    private static SignatureVerdict verify(MimeMessage m) throws Exception {
        return verify(GOOD, m, Instant.now());
    }

    private static final RevocationSource GOOD = (c, i) -> RevocationStatus.good();

    @Test
    void validSignatureNamesSignerOrganisationSerialAndTime() throws Exception {
        Instant at = Instant.now().minus(Duration.ofHours(2)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        MimeMessage m = TestPki.signed(water, "billing@water.city.test", "citizen@city.test", "水费账单", "本月水费 42 元",
                false, at);
        SignatureVerdict v = verify(m);
        assertEquals(Kind.VALID, v.kind(), v.headerValue());
        assertEquals("王明", v.signerName().orElseThrow());
        assertEquals("市自来水公司", v.organisation().orElseThrow());
        assertEquals("billing@water.city.test", v.signer().orElseThrow());
        assertEquals(water.cert().getSerialNumber(), v.serial().orElseThrow());
        assertEquals(at, v.signedAt().orElseThrow());
        assertFalse(v.revocationUnknown());
        // BouncyCastle's generator does not protect the header (RFC 9788): the verdict says so.
        assertTrue(v.headersUnprotected());
    }

    @Test
    void htmlBodyInBase64VerifiesToo() throws Exception {
        MimeMessage m = TestPki.signed(water, "billing@water.city.test", "c@city.test", "通知",
                "<p>您好，<b>本月</b>账单已出。</p>", true, Instant.now());
        assertEquals(Kind.VALID, verify(m).kind());
    }

    @Test
    void unreachableRevocationStillValidButSaysUnknown() throws Exception {
        MimeMessage m = TestPki.signed(water, "billing@water.city.test", "Bill", "Amount due: 100");
        SignatureVerdict v = verify(NoRevocationCheck.INSTANCE, m, Instant.now());
        assertEquals(Kind.VALID, v.kind());
        assertTrue(v.revocationUnknown());
        assertTrue(v.headerValue().endsWith("; revocation=unknown"), v.headerValue());
    }

    @Test
    void bodyChangedAfterSigningIsTampered() throws Exception {
        MimeMessage m = TestPki.tamper(TestPki.signed(water, "billing@water.city.test", "Bill", "Amount due: 100"),
                "Amount due: 100", "Amount due: 900");
        SignatureVerdict v = verify(m);
        assertEquals(Kind.INVALID, v.kind());
        assertEquals(Reason.TAMPERED, v.reason().orElseThrow());
        assertEquals("王明", v.signerName().orElseThrow(), "signer is still shown for a tampered message");
    }

    @Test
    void revokedCertificateCarriesRevocationDate() throws Exception {
        Instant revokedAt = Instant.parse("2026-03-01T08:00:00Z");
        MimeMessage m = TestPki.signed(water, "billing@water.city.test", "Bill", "Amount due: 100");
        SignatureVerdict v = verify((c, i) -> RevocationStatus.revoked(revokedAt, "keyCompromise"), m, Instant.now());
        assertEquals(Reason.REVOKED, v.reason().orElseThrow());
        assertEquals(revokedAt, v.revokedAt().orElseThrow());
    }

    @Test
    void certificateExpiredWhenTheMessageArrived() throws Exception {
        Instant now = Instant.now();
        TestPki.Entity old = pki.person("old@city.test", "Old", "City", now.minus(Duration.ofDays(400)),
                now.minus(Duration.ofDays(10)), true);
        // Attack: the sender's signingTime claims a day the certificate was still valid.
        MimeMessage m = TestPki.signed(old, "old@city.test", "c@city.test", "s", "body", false, now.minus(Duration.ofDays(20)));
        assertEquals(Reason.EXPIRED, verify(m).reason().orElseThrow());
    }

    @Test
    void arrivedWhileValidStaysValidAfterExpiry() throws Exception {
        Instant now = Instant.now();
        TestPki.Entity old = pki.person("old@city.test", "Old", "City", now.minus(Duration.ofDays(400)),
                now.minus(Duration.ofDays(10)), true);
        MimeMessage m = TestPki.signed(old, "old@city.test", "c@city.test", "s", "body", false,
                now.minus(Duration.ofDays(20)));
        assertEquals(Kind.VALID, verify(GOOD, m, now.minus(Duration.ofDays(20))).kind());
    }

    @Test
    void foreignCaIsUnknownIssuer() throws Exception {
        TestPki.Entity fake = stranger.person("billing@water.city.test", "王明", "市自来水公司");
        MimeMessage m = TestPki.signed(fake, "billing@water.city.test", "Bill", "Pay here");
        assertEquals(Reason.UNKNOWN_CA, verify(m).reason().orElseThrow());
    }

    @Test
    void fromNotInCertificateIsMismatch() throws Exception {
        MimeMessage m = TestPki.signed(water, "mayor@city.test", "Bill", "Amount due: 100");
        SignatureVerdict v = verify(m);
        assertEquals(Reason.FROM_MISMATCH, v.reason().orElseThrow());
        assertEquals("the message says it is from mayor@city.test but was signed by billing@water.city.test", v.detail());
    }

    @Test
    void certificateWithoutExtendedKeyUsageIsNotRestricted() throws Exception {
        // RFC 8550 section 4.4: no extended key usage means any use; the server and the webmail used to disagree here
        // (issue 11, Why 6). A certificate whose extended key usage leaves out e-mail is refused (attack corpus).
        Instant now = Instant.now();
        TestPki.Entity noEku = pki.person("x@city.test", "X", "City", now.minus(Duration.ofDays(1)),
                now.plus(Duration.ofDays(10)), false);
        assertEquals(Kind.VALID, verify(TestPki.signed(noEku, "x@city.test", "s", "body")).kind());
    }

    @Test
    void plainMessageIsUnsigned() throws Exception {
        MimeMessage m = new MimeMessage(TestPki.session());
        m.setFrom("a@city.test");
        m.setText("hello");
        m.saveChanges();
        assertEquals(Kind.NONE, verify(TestPki.reparse(TestPki.bytes(m))).kind());
    }

    @Test
    void garbageSignatureIsMalformed() throws Exception {
        String raw = "From: a@city.test\r\nMIME-Version: 1.0\r\nContent-Type: multipart/signed; "
                + "protocol=\"application/pkcs7-signature\"; micalg=sha-256; boundary=\"b\"\r\n\r\n"
                + "--b\r\nContent-Type: text/plain\r\n\r\nhello\r\n--b\r\nContent-Type: application/pkcs7-signature\r\n"
                + "Content-Transfer-Encoding: base64\r\n\r\nAAAA\r\n--b--\r\n";
        SignatureVerdict v = verifier(GOOD).verify(raw.getBytes(java.nio.charset.StandardCharsets.US_ASCII), Instant.now());
        assertEquals(Kind.INVALID, v.kind());
        assertEquals(Reason.MALFORMED, v.reason().orElseThrow());
    }
}

package org.civicmail.webmail.signature;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.internet.MimeMessage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.civicmail.webmail.signature.SignatureVerdict.Kind;
import org.civicmail.webmail.signature.SignatureVerdict.Reason;
import org.civicmail.webmail.testkit.TestPki;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SignatureVerifierTest {

    static TestPki pki;
    static TestPki stranger;
    static TestPki.Entity water;

    @BeforeAll
    static void pki() throws Exception {
        pki = TestPki.create("Test City");
        stranger = TestPki.create("Elsewhere");
        water = pki.person("billing@water.city.test", "王明", "市自来水公司");
    }

    private static SignatureVerifier verifier(RevocationChecker revocation) {
        return new SignatureVerifier(List.of(pki.root), revocation, Clock.systemUTC());
    }

    private static final RevocationChecker GOOD = (c, i) -> RevocationChecker.Status.good();

    @Test
    void validSignatureNamesSignerOrganisationSerialAndTime() throws Exception {
        Instant at = Instant.now().minus(Duration.ofHours(2)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        MimeMessage m = TestPki.signed(water, "billing@water.city.test", "citizen@city.test", "水费账单", "本月水费 42 元",
                false, at);
        SignatureVerdict v = verifier(GOOD).verify(m);
        assertEquals(Kind.VALID, v.kind(), v.detail());
        assertEquals("王明", v.signerName());
        assertEquals("市自来水公司", v.organisation());
        assertEquals("billing@water.city.test", v.signerEmail());
        assertEquals(water.cert().getSerialNumber().toString(16).toUpperCase(Locale.ROOT), v.serialHex());
        assertEquals(at, v.signedAt());
        assertTrue(v.revocationChecked());
    }

    @Test
    void htmlBodyInBase64VerifiesToo() throws Exception {
        MimeMessage m = TestPki.signed(water, "billing@water.city.test", "c@city.test", "通知",
                "<p>您好，<b>本月</b>账单已出。</p>", true, Instant.now());
        assertEquals(Kind.VALID, verifier(GOOD).verify(m).kind());
    }

    @Test
    void unreachableRevocationStillValidButMarkedUnchecked() throws Exception {
        MimeMessage m = TestPki.signed(water, "billing@water.city.test", "Bill", "Amount due: 100");
        SignatureVerdict v = verifier(RevocationChecker.NONE).verify(m);
        assertEquals(Kind.VALID, v.kind());
        assertFalse(v.revocationChecked());
    }

    @Test
    void bodyChangedAfterSigningIsTampered() throws Exception {
        MimeMessage m = TestPki.tamper(TestPki.signed(water, "billing@water.city.test", "Bill", "Amount due: 100"),
                "Amount due: 100", "Amount due: 900");
        SignatureVerdict v = verifier(GOOD).verify(m);
        assertEquals(Kind.INVALID, v.kind());
        assertEquals(Reason.TAMPERED, v.reason());
        assertEquals("王明", v.signerName(), "signer is still shown for a tampered message");
    }

    @Test
    void revokedCertificateCarriesRevocationDate() throws Exception {
        Instant revokedAt = Instant.parse("2026-03-01T08:00:00Z");
        MimeMessage m = TestPki.signed(water, "billing@water.city.test", "Bill", "Amount due: 100");
        SignatureVerdict v = verifier((c, i) -> RevocationChecker.Status.revoked(revokedAt)).verify(m);
        assertEquals(Reason.REVOKED, v.reason());
        assertEquals(revokedAt, v.revokedAt());
    }

    @Test
    void certificateExpiredAtSigningTime() throws Exception {
        Instant now = Instant.now();
        TestPki.Entity old = pki.person("old@city.test", "Old", "City", now.minus(Duration.ofDays(400)),
                now.minus(Duration.ofDays(10)), true);
        MimeMessage m = TestPki.signed(old, "old@city.test", "c@city.test", "s", "body", false, now);
        assertEquals(Reason.EXPIRED, verifier(GOOD).verify(m).reason());
    }

    @Test
    void signedWhileValidStaysValidAfterExpiry() throws Exception {
        Instant now = Instant.now();
        TestPki.Entity old = pki.person("old@city.test", "Old", "City", now.minus(Duration.ofDays(400)),
                now.minus(Duration.ofDays(10)), true);
        MimeMessage m = TestPki.signed(old, "old@city.test", "c@city.test", "s", "body", false,
                now.minus(Duration.ofDays(20)));
        assertEquals(Kind.VALID, verifier(GOOD).verify(m).kind());
    }

    @Test
    void foreignCaIsUnknownIssuer() throws Exception {
        TestPki.Entity fake = stranger.person("billing@water.city.test", "王明", "市自来水公司");
        MimeMessage m = TestPki.signed(fake, "billing@water.city.test", "Bill", "Pay here");
        assertEquals(Reason.UNKNOWN_CA, verifier(GOOD).verify(m).reason());
    }

    @Test
    void fromNotInCertificateIsMismatch() throws Exception {
        MimeMessage m = TestPki.signed(water, "mayor@city.test", "Bill", "Amount due: 100");
        SignatureVerdict v = verifier(GOOD).verify(m);
        assertEquals(Reason.FROM_MISMATCH, v.reason());
        assertEquals("From mayor@city.test, certificate billing@water.city.test", v.detail());
    }

    @Test
    void certificateWithoutEmailProtectionIsRefused() throws Exception {
        Instant now = Instant.now();
        TestPki.Entity noEku = pki.person("x@city.test", "X", "City", now.minus(Duration.ofDays(1)),
                now.plus(Duration.ofDays(10)), false);
        MimeMessage m = TestPki.signed(noEku, "x@city.test", "s", "body");
        assertEquals(Reason.NOT_FOR_EMAIL, verifier(GOOD).verify(m).reason());
    }

    @Test
    void plainMessageIsUnsigned() throws Exception {
        MimeMessage m = new MimeMessage(TestPki.session());
        m.setFrom("a@city.test");
        m.setText("hello");
        m.saveChanges();
        assertEquals(Kind.UNSIGNED, verifier(GOOD).verify(TestPki.reparse(TestPki.bytes(m))).kind());
    }

    @Test
    void garbageSignatureIsMalformed() throws Exception {
        String raw = "From: a@city.test\r\nMIME-Version: 1.0\r\nContent-Type: multipart/signed; "
                + "protocol=\"application/pkcs7-signature\"; micalg=sha-256; boundary=\"b\"\r\n\r\n"
                + "--b\r\nContent-Type: text/plain\r\n\r\nhello\r\n--b\r\nContent-Type: application/pkcs7-signature\r\n"
                + "Content-Transfer-Encoding: base64\r\n\r\nAAAA\r\n--b--\r\n";
        SignatureVerdict v = verifier(GOOD).verify(TestPki.reparse(raw.getBytes()));
        assertEquals(Kind.INVALID, v.kind());
        assertEquals(Reason.MALFORMED, v.reason());
    }
}

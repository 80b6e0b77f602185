package org.civicmail.verdict.testkit;

import static org.civicmail.verdict.SignatureVerdict.Reason.BAD_KEY_USAGE;
import static org.civicmail.verdict.SignatureVerdict.Reason.EXPIRED;
import static org.civicmail.verdict.SignatureVerdict.Reason.FROM_MISMATCH;
import static org.civicmail.verdict.SignatureVerdict.Reason.HEADER_MISMATCH;
import static org.civicmail.verdict.SignatureVerdict.Reason.MALFORMED;
import static org.civicmail.verdict.SignatureVerdict.Reason.REVOKED;
import static org.civicmail.verdict.SignatureVerdict.Reason.TAMPERED;
import static org.civicmail.verdict.SignatureVerdict.Reason.UNKNOWN_CA;
import static org.civicmail.verdict.testkit.Fixture.Crypto.BROKEN;
import static org.civicmail.verdict.testkit.Fixture.Crypto.INTACT;
import static org.civicmail.verdict.testkit.Fixture.Crypto.NOT_SIGNED;
import static org.civicmail.verdict.testkit.Fixture.Crypto.STRUCTURE_REFUSED;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.civicmail.verdict.Authorities;
import org.civicmail.verdict.SignatureVerifier;
import org.civicmail.verdict.revocation.RevocationSource;
import org.civicmail.verdict.revocation.RevocationStatus;
import org.civicmail.verdict.testkit.Fixture.Expected;

/**
 * Every forgery of issue 11 ("Why" 1-3 and 6-9) and its variants, as messages with the verdict each must get.
 * Built once per JVM: the city CA, a trusted foreign CA, and an impostor CA that copies the city CA's names.
 */
public final class AttackCorpus {
    public static final String TAX = "tax-bureau@gov.hangzhou.example";
    public static final String WATER = "westlake-water@corp.hangzhou.example";
    public static final String CITIZEN = "ma.lan@citizen.hangzhou.example";
    public static final String FOREIGN = "clerk@tax.shanghai.example";

    public final Pki city;
    public final Pki foreign;
    public final Pki impostor;
    public final Set<BigInteger> revokedByCity;
    public final BigInteger notIssuedByForeign;
    public final List<Fixture> fixtures = new ArrayList<>();
    public final Instant now = Instant.now();

    private static AttackCorpus instance;

    public static synchronized AttackCorpus get() throws Exception {
        if (instance == null) {
            instance = new AttackCorpus();
        }
        return instance;
    }

    /** The verifier as the server sets it up: city CA live status, foreign CA through its (fixed) answers. */
    public SignatureVerifier verifier() {
        RevocationSource cityStatus = (cert, issuer) -> revokedByCity.contains(cert.getSerialNumber())
            ? RevocationStatus.revoked(now.minus(Duration.ofHours(1)), "keyCompromise") : RevocationStatus.good();
        RevocationSource foreignStatus = (cert, issuer) -> cert.getSerialNumber().equals(notIssuedByForeign)
            ? RevocationStatus.notIssued("responder does not know it") : RevocationStatus.unknown("responder unreachable");
        return new SignatureVerifier(new Authorities(List.of(city.root.cert(), city.issuing.cert()), List.of(foreign.root.cert())),
            cityStatus, foreignStatus);
    }

    private AttackCorpus() throws Exception {
        city = Pki.create("Hangzhou City CA");
        foreign = Pki.create("Shanghai Trust");
        impostor = Pki.create("Hangzhou City CA");
        Pki.Entity tax = city.person(TAX, new Pki.LeafOptions().names("杭州市税务局", "杭州市税务局"));
        Pki.Entity revoked = city.person(TAX);
        Pki.Entity water = city.person(WATER);
        revokedByCity = Set.of(revoked.cert().getSerialNumber());

        byte[] validProtected = SignedMail.message(TAX, CITIZEN, "2026 tax notice").signedBy(tax).detached();
        byte[] validUnprotected = SignedMail.message(TAX, CITIZEN, "2026 tax notice (plain client)").unprotected().signedBy(tax).detached();

        add("valid-protected", "none: a correct notice with RFC 9788 header protection", validProtected, Expected.valid(), INTACT);
        add("valid-unprotected", "none: a correct notice from a client without header protection", validUnprotected,
            Expected.validUnprotected(), INTACT);

        // Why 1: revoked, CMS with the leaf only / CA certificates stripped / a forged issuer attached.
        add("revoked-leaf-only", "Why 1: revoked certificate, CMS carries only the leaf",
            SignedMail.message(TAX, CITIZEN, "revoked leaf only").signedBy(revoked).certificates(List.of(revoked.cert())).detached(),
            Expected.invalid(REVOKED), INTACT);
        add("revoked-full-chain", "revoked certificate with its whole chain attached",
            SignedMail.message(TAX, CITIZEN, "revoked full chain").signedBy(revoked).detached(), Expected.invalid(REVOKED), INTACT);
        add("revoked-forged-issuer", "Why 1 variant: revoked leaf plus an impostor CA certificate with the city CA's name",
            SignedMail.message(TAX, CITIZEN, "revoked forged issuer").signedBy(revoked)
                .certificates(List.of(revoked.cert(), impostor.issuing.cert(), impostor.root.cert())).detached(),
            Expected.invalid(REVOKED), INTACT);
        add("valid-leaf-only", "a good city certificate without CA certificates still chains through the CA's own",
            SignedMail.message(TAX, CITIZEN, "good leaf only").signedBy(tax).certificates(List.of(tax.cert())).detached(),
            Expected.valid(), INTACT);

        // Why 2: a delivered notice re-sent with new Subject, To, Date and a Reply-To.
        String resent = outer(text(validProtected), "Subject: 2026 tax notice\r\n", "Subject: 【紧急】退税请回复银行卡号\r\nReply-To: x@evil.example\r\n")
            .replaceFirst("To: " + CITIZEN + "\r\n", "To: victim@citizen.hangzhou.example\r\n")
            .replaceFirst("Date: [^\r]+\r\n", "Date: Tue, 1 Dec 2026 08:00:00 +0800\r\n");
        add("resent-new-headers", "Why 2: signed notice re-sent with new Subject, To, Date and Reply-To",
            bytes(resent), Expected.invalid(HEADER_MISMATCH).changed("To", "Subject", "Date", "Reply-To"), INTACT);
        add("resent-reply-to-only", "Why 2 variant: only a Reply-To added to a protected notice",
            bytes(outer(text(validProtected), "Subject: 2026 tax notice\r\n", "Subject: 2026 tax notice\r\nReply-To: x@evil.example\r\n")),
            Expected.invalid(HEADER_MISMATCH).changed("Reply-To"), INTACT);
        add("refolded-subject", "no attack: the outer Subject folded differently, same text",
            bytes(outer(text(validProtected), "Subject: 2026 tax notice\r\n", "Subject: 2026 tax\r\n  notice\r\n")),
            Expected.valid(), INTACT);
        add("display-name-changed", "protected From with a new display name outside",
            bytes(text(validProtected).replaceFirst("From: " + TAX + "\r\n", "From: \"Refund Office\" <" + TAX + ">\r\n")),
            Expected.invalid(HEADER_MISMATCH).changed("From"), INTACT);
        add("unprotected-resent", "Why 2 on a client-signed message without protection: valid, but said to be unprotected",
            bytes(text(validUnprotected).replace("Subject: 2026 tax notice (plain client)", "Subject: new subject")),
            Expected.validUnprotected(), INTACT);

        // Why 3: extra MIME part appended inside multipart/signed; text after the closing boundary.
        String appended = text(validProtected);
        String boundary = appended.substring(appended.indexOf("boundary=\"") + 10, appended.indexOf('"', appended.indexOf("boundary=\"") + 10));
        appended = appended.replace("--" + boundary + "--\r\n", "--" + boundary + "\r\nContent-Type: text/plain\r\n\r\nPAY TO ACCOUNT 123\r\n--"
            + boundary + "--\r\n");
        add("appended-part", "Why 3: a third part \"PAY TO ACCOUNT 123\" inside multipart/signed", bytes(appended),
            Expected.invalid(MALFORMED), STRUCTURE_REFUSED);
        add("epilogue-text", "Why 3 variant: text after the closing boundary",
            bytes(text(validProtected) + "PAY TO ACCOUNT 123\r\n"), Expected.invalid(MALFORMED), INTACT);
        add("nested-in-mixed", "a validly signed message as the second part of an unsigned multipart/mixed",
            wrapMixed(validProtected, false), Expected.none(), NOT_SIGNED);
        add("rfc822-wrapped", "a validly signed notice attached as message/rfc822 under an unsigned From: tax-bureau",
            wrapMixed(validProtected, true), Expected.none(), NOT_SIGNED);
        add("impostor-outer-signature", "outer signature by a CA that copies the city CA's names, From: tax-bureau",
            SignedMail.message(TAX, CITIZEN, "impostor").signedBy(impostor.person(TAX)).detached(), Expected.invalid(UNKNOWN_CA), INTACT);
        add("two-signers", "a second signer next to the real one", SignedMail.message(TAX, CITIZEN, "two signers").signedBy(tax)
            .signedBy(water).certificates(List.of(tax.cert(), water.cert())).detached(), Expected.invalid(MALFORMED), INTACT);
        add("protocol-mismatch", "protocol parameter names another signature type",
            bytes(text(validUnprotected).replace("protocol=\"application/pkcs7-signature\"", "protocol=\"application/pgp-signature\"")),
            Expected.invalid(MALFORMED), INTACT);
        add("two-boundaries", "two boundary parameters: readers could split the body differently",
            bytes(text(validUnprotected).replace("micalg=sha-256;", "micalg=sha-256; boundary=\"other\";")),
            Expected.invalid(MALFORMED), STRUCTURE_REFUSED);

        // Why 6: the cases the two old verifiers disagreed on.
        add("no-eku", "certificate without extended key usage (RFC 8550: not restricted)",
            SignedMail.message(TAX, CITIZEN, "no eku").signedBy(city.person(TAX, new Pki.LeafOptions().noExtendedKeyUsage())).detached(),
            Expected.valid(), INTACT);
        add("server-auth-eku", "certificate for TLS servers, not e-mail",
            SignedMail.message(TAX, CITIZEN, "tls eku").signedBy(city.person(TAX, new Pki.LeafOptions()
                .extendedKeyUsage(KeyPurposeId.id_kp_serverAuth))).detached(), Expected.invalid(BAD_KEY_USAGE), INTACT);
        add("no-from", "signed message without a From field", bytes(text(validUnprotected).replaceFirst("From: [^\r]+\r\n", "")),
            Expected.invalid(FROM_MISMATCH), INTACT);
        Instant longAgo = now.minus(Duration.ofDays(400));
        add("expired-at-arrival", "certificate expired yesterday; signingTime claims a day it was valid",
            SignedMail.message(TAX, CITIZEN, "expired").signedBy(city.person(TAX, new Pki.LeafOptions()
                .valid(longAgo, now.minus(Duration.ofDays(1))))).signingTime(now.minus(Duration.ofDays(2))).detached(),
            Expected.invalid(EXPIRED), INTACT);

        // Why 8: the sender's signingTime decides nothing but a far future is refused.
        add("signing-time-before-issue", "Why 8: signingTime before the certificate was issued; certificate valid at arrival",
            SignedMail.message(TAX, CITIZEN, "early date").signedBy(tax).signingTime(tax.cert().getNotBefore().toInstant()
                .minus(Duration.ofDays(3))).detached(), Expected.valid(), INTACT);
        add("signing-time-future", "signingTime an hour after arrival",
            SignedMail.message(TAX, CITIZEN, "future").signedBy(tax).signingTime(now.plus(Duration.ofHours(1))).detached(),
            Expected.invalid(MALFORMED), INTACT);

        add("tampered-body", "one base64 character of the body changed",
            bytes(text(validProtected).replaceFirst("UGxlYXNl", "UGxlYXNm")), Expected.invalid(TAMPERED), BROKEN);

        // From tricks.
        add("from-other-agency", "From names another agency than the certificate",
            SignedMail.message(WATER, CITIZEN, "from swap").signedBy(tax).detached(), Expected.invalid(FROM_MISMATCH), INTACT);
        add("duplicated-from", "a second From field after the signer's",
            bytes(text(validUnprotected).replaceFirst("To: ", "From: boss@evil.example\r\nTo: ")), Expected.invalid(FROM_MISMATCH), INTACT);
        add("encoded-word-from", "the certificate's address as an RFC 2047 encoded word where the address belongs",
            SignedMail.message("=?UTF-8?B?" + Base64.getEncoder().encodeToString(TAX.getBytes(StandardCharsets.UTF_8)) + "?=", CITIZEN,
                "encoded from").unprotected().signedBy(tax).detached(), Expected.invalid(FROM_MISMATCH), INTACT);
        add("group-from", "group syntax around the certificate's address", SignedMail.message("x:" + TAX + ";", CITIZEN, "group from")
            .unprotected().signedBy(tax).detached(), Expected.invalid(FROM_MISMATCH), INTACT);
        add("upper-case-from", "no attack: From in upper case is the same address",
            SignedMail.message(TAX.toUpperCase(), CITIZEN, "upper case").signedBy(tax).detached(), Expected.valid(), INTACT);

        // Why 7 (the verifier's side): nested MIME as the server's signer now produces it verifies, and stays intact.
        String nested = "Content-Type: multipart/mixed; boundary=\"outer\"\r\n\r\n--outer\r\n"
            + "Content-Type: multipart/alternative; boundary=\"alt\"\r\n\r\n--alt\r\nContent-Type: text/plain; charset=UTF-8\r\n"
            + "Content-Transfer-Encoding: quoted-printable\r\n\r\n=E5=BA=94=E7=BA=B3=E7=A8=8E=E9=A2=9D=3D1200\r\n--alt\r\n"
            + "Content-Type: text/html; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
            + "<a href=3D\"https://tax.example/?a=3D1&amp;b=3D20\">pay</a>\r\n--alt--\r\n--outer\r\n"
            + "Content-Type: message/rfc822\r\n\r\nFrom: a@b.example\r\nSubject: forwarded\r\n\r\nforwarded text\r\n--outer--\r\n";
        byte[] nestedSigned = SignedMail.message(TAX, CITIZEN, "nested notice").entity(nested).signedBy(tax).detached();
        add("nested-mime", "Why 7: multipart/alternative and message/rfc822 inside multipart/mixed, protected at the root",
            nestedSigned, Expected.valid(), INTACT);
        add("nested-mime-part-relabelled", "Why 7: a nested part's transfer encoding relabelled after signing",
            bytes(text(nestedSigned).replaceFirst("Content-Transfer-Encoding: quoted-printable", "Content-Transfer-Encoding: base64")),
            Expected.invalid(TAMPERED), BROKEN);
        add("duplicated-subject", "a second Subject field added to a protected notice",
            bytes(outer(text(validProtected), "Subject: 2026 tax notice\r\n", "Subject: 2026 tax notice\r\nSubject: PAY NOW\r\n")),
            Expected.invalid(HEADER_MISMATCH).changed("Subject"), INTACT);

        // Canonicalisation: stores and files keep LF only; the signature covers CRLF.
        add("lf-line-ends", "the valid notice with LF line ends (CRLF vs LF canonicalisation)",
            bytes(text(validProtected).replace("\r\n", "\n")), Expected.valid(), INTACT);

        // Opaque application/pkcs7-mime signed-data.
        byte[] opaque = SignedMail.message(TAX, CITIZEN, "opaque notice").signedBy(tax).opaque();
        add("opaque-valid", "opaque signed-data (application/pkcs7-mime)", opaque, Expected.valid(), INTACT);
        add("opaque-tampered", "opaque signed-data with one byte of the encapsulated content changed", tamperOpaque(opaque),
            Expected.invalid(TAMPERED), BROKEN);
        add("opaque-resent", "opaque protected notice re-sent with a new Subject",
            bytes(text(opaque).replace("Subject: opaque notice", "Subject: new")), Expected.invalid(HEADER_MISMATCH).changed("Subject"),
            INTACT);

        // Foreign signers.
        Pki.Entity clerk = foreign.person(FOREIGN);
        add("foreign-status-unknown", "a trusted foreign CA whose revocation service does not answer",
            SignedMail.message(FOREIGN, CITIZEN, "foreign").unprotected().signedBy(clerk).detached(),
            Expected.validUnprotected().andRevocationUnknown(), INTACT);
        Pki.Entity ghost = foreign.person(FOREIGN);
        notIssuedByForeign = ghost.cert().getSerialNumber();
        add("foreign-not-issued", "a foreign certificate its CA's responder says it never issued",
            SignedMail.message(FOREIGN, CITIZEN, "ghost").signedBy(ghost).detached(), Expected.invalid(UNKNOWN_CA), INTACT);
        add("unsigned-official", "Why 4: no signature at all, From: an official address",
            bytes("From: " + TAX + "\r\nTo: " + CITIZEN + "\r\nSubject: refund\r\n\r\nclick here\r\n"), Expected.none(), NOT_SIGNED);
    }

    private void add(String name, String attack, byte[] raw, Expected expected, Fixture.Crypto crypto) {
        fixtures.add(new Fixture(name, attack, raw, expected, crypto));
    }

    public List<X509Certificate> cityChain() {
        return List.of(city.issuing.cert(), city.root.cert());
    }

    private static byte[] wrapMixed(byte[] signed, boolean asRfc822) {
        String b = "mixed-outer-boundary";
        String inner = asRfc822 ? "Content-Type: message/rfc822\r\n\r\n" + text(signed)
            : text(signed).substring(text(signed).indexOf("Content-Type: multipart/signed"));
        return bytes("From: " + TAX + "\r\nTo: " + CITIZEN + "\r\nSubject: wrapped\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: multipart/mixed; boundary=\"" + b + "\"\r\n\r\n--" + b + "\r\nContent-Type: text/plain\r\n\r\n"
            + "PAY TO ACCOUNT 123\r\n--" + b + "\r\n" + inner + "\r\n--" + b + "--\r\n");
    }

    private static byte[] tamperOpaque(byte[] opaque) {
        String t = text(opaque);
        int bodyStart = t.indexOf("\r\n\r\n") + 4;
        byte[] der = Base64.getMimeDecoder().decode(t.substring(bodyStart));
        String asLatin = new String(der, StandardCharsets.ISO_8859_1);
        int at = asLatin.indexOf("UGxlYXNl");
        der[at + 7] = (byte) 'm';
        return bytes(t.substring(0, bodyStart) + SignedMail.base64(der) + "\r\n");
    }

    /** Replaces the first occurrence only: the outer header comes before the protected copy. */
    static String outer(String message, String field, String replacement) {
        int at = message.indexOf(field);
        return message.substring(0, at) + replacement + message.substring(at + field.length());
    }

    static String text(byte[] raw) {
        return new String(raw, StandardCharsets.UTF_8);
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}

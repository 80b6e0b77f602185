package org.civicmail.smime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Properties;

import javax.mail.Multipart;
import javax.mail.Part;
import javax.mail.Session;
import javax.mail.internet.ContentType;
import javax.mail.internet.MailDateFormat;
import javax.mail.internet.MimeBodyPart;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeMultipart;

import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.asn1.cms.Time;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.SignerInformation;
import org.civicmail.testkit.Nss;
import org.civicmail.testkit.Openssl;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The signer never changes what the sender wrote: every fixture decodes, after signing, to exactly what it decoded to
 * before; the bytes signed are the bytes sent (openssl and NSS cmsutil, the library Thunderbird uses, verify them);
 * signingTime comes from the server's clock; the protected header fields (RFC 9788) are copies of the outer ones.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SmimeSignerTest {
    static final String TAX = "tax-bureau@gov.hangzhou.example";
    /** The judges check the certificate against the real clock, so the test's times are real ones. */
    static final Instant SERVER_NOW = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    static final Instant ISSUED = SERVER_NOW.minus(Duration.ofDays(30));

    @TempDir
    Path tmp;
    TestSigningPki pki;
    SmimeSigner signer = new SmimeSigner(Clock.fixed(SERVER_NOW, ZoneOffset.UTC));
    Path rootPem;
    Path nssDb;

    @BeforeAll
    void pki(@TempDir Path dir) throws Exception {
        pki = TestSigningPki.create(TAX, ISSUED);
        rootPem = pki.writeRootPem(dir.resolve("root.pem"));
        nssDb = Nss.trustStore(dir.resolve("nssdb"), rootPem);
    }

    private static String date(Instant at) {
        return new MailDateFormat().format(Date.from(at));
    }

    /** A message as a mail client submits it, header fields first; LF line breaks become CRLF. */
    private static byte[] message(String headerAndBody) {
        return headerAndBody.replace("\r\n", "\n").replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8);
    }

    private static String headers(Instant date) {
        return "From: =?UTF-8?B?5p2t5bee5biC56iO5Yqh5bGA?= <" + TAX + ">\n"
            + "To: ma.lan@citizen.hangzhou.example\n"
            + "Cc: li.si@citizen.hangzhou.example\n"
            + "Reply-To: help@gov.hangzhou.example\n"
            + "Subject: =?UTF-8?B?5Liq56iO5rGH566X6YCa55+l?=\n"
            + "Date: " + date(date) + "\n"
            + "Message-ID: <fixture.1@gov.hangzhou.example>\n"
            + "MIME-Version: 1.0\n";
    }

    static final String HTML = "<p>应纳税额=3D1200 元</p><a href=\"https://tax.gov.hangzhou.example/pay?a=1&b=20\">缴税</a>";
    static final String BINARY_SENTINEL = "\u0000\u00ff\r\rbare CR, NUL and 0xff\n";

    /** Every case of issue 11: nested 8bit text, HTML with '=', base64 text, quoted-printable, message/rfc822, alternative in mixed. */
    private static byte[] everyKindOfPart(Instant date) {
        return message(headers(date)
            + "Content-Type: multipart/mixed; boundary=\"mixed-1\"\n"
            + "\n"
            + "This is a multi-part message in MIME format.\n"
            + "--mixed-1\n"
            + "Content-Type: multipart/alternative; boundary=\"alt-1\"\n"
            + "\n"
            + "--alt-1\n"
            + "Content-Type: text/plain; charset=UTF-8\n"
            + "Content-Transfer-Encoding: 8bit\n"
            + "\n"
            + "应纳税额=3D1200 元，请于12月31日前缴纳。   \n"
            + "a line that ends in spaces   \n"
            + "--alt-1\n"
            + "Content-Type: text/html; charset=UTF-8\n"
            + "Content-Transfer-Encoding: 8bit\n"
            + "\n"
            + HTML + "\n"
            + "--alt-1--\n"
            + "--mixed-1\n"
            + "Content-Type: text/plain; charset=UTF-8\n"
            + "Content-Transfer-Encoding: base64\n"
            + "\n"
            + Base64.getMimeEncoder().encodeToString("附件说明：请核对 a=b。\r\n".getBytes(StandardCharsets.UTF_8)) + "\n"
            + "--mixed-1\n"
            + "Content-Type: text/plain; charset=UTF-8\n"
            + "Content-Transfer-Encoding: quoted-printable\n"
            + "\n"
            + "Betrag =3D 100 =E2=82=AC, a soft=\n"
            + " break and a hard one\n"
            + "--mixed-1\n"
            + "Content-Type: message/rfc822\n"
            + "Content-Disposition: attachment\n"
            + "\n"
            + "From: a.citizen@citizen.hangzhou.example\n"
            + "Subject: forwarded\n"
            + "MIME-Version: 1.0\n"
            + "Content-Type: multipart/mixed; boundary=\"inner\"\n"
            + "\n"
            + "--inner\n"
            + "Content-Type: text/plain; charset=UTF-8\n"
            + "Content-Transfer-Encoding: 8bit\n"
            + "\n"
            + "转发的内容 a=3Db &b=20\n"
            + "--inner--\n"
            + "--mixed-1\n"
            + "Content-Type: application/pdf; name=\"notice.pdf\"\n"
            + "Content-Transfer-Encoding: base64\n"
            + "Content-Disposition: attachment; filename=\"notice.pdf\"\n"
            + "\n"
            + Base64.getMimeEncoder().encodeToString("%PDF-1.4 not really".getBytes(StandardCharsets.US_ASCII)) + "\n"
            + "--mixed-1--\n"
            + "the epilogue\n");
    }

    /** A leaf of a MIME tree: its media type and its decoded content. */
    record Leaf(String type, String content) {
    }

    /** The leaves in order, walking into multiparts and forwarded messages (whose Subject counts as a leaf too). */
    private static List<Leaf> leaves(Part part) throws Exception {
        List<Leaf> out = new ArrayList<>();
        String type = new ContentType(part.getContentType()).getBaseType().toLowerCase();
        if (part.isMimeType("multipart/*")) {
            Multipart mp = (Multipart) part.getContent();
            for (int i = 0; i < mp.getCount(); i++) {
                out.addAll(leaves(mp.getBodyPart(i)));
            }
        } else if (part.isMimeType("message/rfc822")) {
            MimeMessage inner = (MimeMessage) part.getContent();
            out.add(new Leaf("forwarded-subject", inner.getSubject()));
            out.addAll(leaves(inner));
        } else {
            out.add(new Leaf(type, new String(part.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1)));
        }
        return out;
    }

    private static MimeMessage parse(byte[] raw) throws Exception {
        return new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(raw));
    }

    /** Part 1 of the multipart/signed: the content that was signed, as a reader extracts it. */
    private static MimeBodyPart payload(byte[] signed) throws Exception {
        return (MimeBodyPart) ((MimeMultipart) parse(signed).getContent()).getBodyPart(0);
    }

    /** The exact bytes between the first boundary and the second: what the signature covers. */
    private static byte[] signedBytes(byte[] signed) throws Exception {
        String boundary = new ContentType(parse(signed).getContentType()).getParameter("boundary");
        String text = new String(signed, StandardCharsets.ISO_8859_1);
        int start = text.indexOf("--" + boundary + "\r\n") + boundary.length() + 4;
        int end = text.indexOf("\r\n--" + boundary, start);
        return text.substring(start, end).getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] signatureDer(byte[] signed) throws Exception {
        MimeBodyPart signature = (MimeBodyPart) ((MimeMultipart) parse(signed).getContent()).getBodyPart(1);
        return signature.getInputStream().readAllBytes();
    }

    private static Instant signingTime(byte[] signed) throws Exception {
        CMSSignedData cms = new CMSSignedData(new CMSProcessableByteArray(signedBytes(signed)), signatureDer(signed));
        SignerInformation info = cms.getSignerInfos().getSigners().iterator().next();
        Attribute attribute = info.getSignedAttributes().get(CMSAttributes.signingTime);
        return Time.getInstance(attribute.getAttrValues().getObjectAt(0)).getDate().toInstant();
    }

    /** Both independent judges must find the signature valid, made by our certificate under our root. */
    private void judgesAgree(byte[] signed, String name) throws Exception {
        Path file = Files.write(tmp.resolve(name + ".eml"), signed);
        Openssl.Result smime = Openssl.run("smime", "-verify", "-CAfile", rootPem.toString(), "-in", file.toString(),
            "-out", tmp.resolve(name + ".out").toString());
        assertThat(smime.exitCode()).as(smime.output()).isZero();
        assertThat(smime.output()).contains("Verification successful");
        Openssl.Result cms = Openssl.run("cms", "-verify", "-CAfile", rootPem.toString(), "-in", file.toString(),
            "-out", tmp.resolve(name + ".cms.out").toString());
        assertThat(cms.exitCode()).as(cms.output()).isZero();
        Nss.Result nss = Nss.verifyDetached(nssDb, Files.write(tmp.resolve(name + ".content"), signedBytes(signed)),
            Files.write(tmp.resolve(name + ".p7s"), signatureDer(signed)));
        assertThat(nss.goodSignature()).as(nss.output()).isTrue();
    }

    @Test
    void theSignerUsesTheJdksKeyAsBouncyCastlesObjectWithTheSameKeyMaterial() throws Exception {
        // BouncyCastle then reuses its precomputation for the curve (issue 14); the key must be the very same key.
        java.security.KeyPairGenerator ec = java.security.KeyPairGenerator.getInstance("EC");
        ec.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
        java.security.PrivateKey jdkKey = ec.generateKeyPair().getPrivate();
        java.security.PrivateKey own = BouncyCastleProviderHolder.ownForm(jdkKey);
        assertThat(own.getClass().getName()).startsWith("org.bouncycastle.");
        assertThat(((java.security.interfaces.ECPrivateKey) own).getS()).isEqualTo(((java.security.interfaces.ECPrivateKey) jdkKey).getS());
        assertThat(BouncyCastleProviderHolder.ownForm(own)).isSameAs(own);
    }

    @Test
    void anRsaSignatureIsMadeInNssAndIsBouncyCastlesByteForByteAndTheJudgesVerifyIt() throws Exception {
        // Debian's libnss3 is installed wherever the judges run (.ci/run: libnss3-tools), so the fast path must be taken.
        assertThat(NssRsaSignatures.available()).as("NSS's softoken found and started").isTrue();
        SigningCredential rsa = pki.rsaCredential(TAX, 2048);
        assertThat(NssRsaSignatures.signer(rsa.privateKey())).as("the key passed NSS's check").isPresent();
        byte[] payload = message(headers(SERVER_NOW) + "Content-Type: text/plain; charset=UTF-8\n\n应纳水费 12.30 元\n");

        byte[] byNss = SmimeSigner.signature(payload, rsa, SERVER_NOW, true);
        byte[] byBouncyCastle = SmimeSigner.signature(payload, rsa, SERVER_NOW, false);
        // PKCS#1 v1.5 is deterministic: the whole CMS structure, signature value included, must be the same bytes.
        assertThat(byNss).isEqualTo(byBouncyCastle);
        judgesAgree(signer.sign(payload, rsa, SERVER_NOW), "rsa-by-nss");
    }

    @Test
    void aSecondRsaKeySignsWithItsOwnKeyNeverWithTheNssCopyOfTheFirst() throws Exception {
        // Attack: a replaced signing key (re-keyed official) must not go on signing with the old key's copy in NSS.
        SigningCredential first = pki.rsaCredential(TAX, 2048);
        SigningCredential second = pki.rsaCredential(TAX, 2048);
        byte[] payload = message(headers(SERVER_NOW) + "Content-Type: text/plain; charset=UTF-8\n\nbill\n");
        signer.sign(payload, first, SERVER_NOW);

        byte[] signed = signer.sign(payload, second, SERVER_NOW);
        CMSSignedData cms = new CMSSignedData(new CMSProcessableByteArray(signedBytes(signed)), signatureDer(signed));
        SignerInformation info = cms.getSignerInfos().getSigners().iterator().next();
        assertThat(info.verify(new org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder().build(second.certificate()))).isTrue();
        assertThat(info.verify(new org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder().build(first.certificate()))).isFalse();
    }

    @Test
    void everyKindOfNestedPartDecodesAfterSigningToWhatItDecodedToBefore() throws Exception {
        byte[] original = everyKindOfPart(SERVER_NOW.minusSeconds(30));
        byte[] signed = signer.sign(original, pki.credential, SERVER_NOW);

        assertThat(leaves(payload(signed))).containsExactlyElementsOf(leaves(parse(original)));
        // The cases of issue 11 by name: '=' kept in text and in HTML links, base64 text not shown raw.
        String leaves = leaves(payload(signed)).toString();
        assertThat(leaves).contains(octets("应纳税额=3D1200 元")).contains(octets("pay?a=1&b=20\">缴税")).contains(octets("附件说明"))
            .contains("a soft break and a hard one");
        judgesAgree(signed, "every-kind");
    }

    @Test
    void theSignedMessageIsSevenBitAndAForwardedMessageKeepsAnEncodingRfc2046Permits() throws Exception {
        byte[] signed = signer.sign(everyKindOfPart(SERVER_NOW), pki.credential, SERVER_NOW);
        for (byte b : signed) {
            assertThat(b).as("every byte of the signed message is 7-bit").isBetween((byte) 1, (byte) 127);
        }
        assertThat(SevenBitContent.sevenBitSafe(signed, false)).as("CRLF line breaks only, no line over 998").isTrue();
        MimeMultipart mixed = (MimeMultipart) payload(signed).getContent();
        MimeBodyPart forwarded = (MimeBodyPart) mixed.getBodyPart(3);
        assertThat(forwarded.getContentType()).startsWith("message/rfc822");
        assertThat(forwarded.getEncoding()).isEqualTo("7bit");
        // Inside the forwarded message its own 8bit part was re-encoded.
        MimeMessage inner = (MimeMessage) forwarded.getContent();
        MimeBodyPart innerText = (MimeBodyPart) ((MimeMultipart) inner.getContent()).getBodyPart(0);
        assertThat(innerText.getEncoding()).isIn("quoted-printable", "base64");
        assertThat(new String(innerText.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("转发的内容 a=3Db &b=20");
    }

    @Test
    void aForwardedMessageLabelledBase64IsDecodedIntoAPermittedEncoding() throws Exception {
        String forwarded = "From: a@citizen.hangzhou.example\r\nSubject: fwd\r\n\r\nplain 7bit text a=b\r\n";
        byte[] original = message(headers(SERVER_NOW)
            + "Content-Type: multipart/mixed; boundary=\"m\"\n\n"
            + "--m\nContent-Type: text/plain\n\nsee attached\n"
            + "--m\nContent-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\n"
            + Base64.getMimeEncoder().encodeToString(forwarded.getBytes(StandardCharsets.US_ASCII)) + "\n"
            + "--m--\n");
        byte[] signed = signer.sign(original, pki.credential, SERVER_NOW);
        MimeBodyPart part = (MimeBodyPart) ((MimeMultipart) payload(signed).getContent()).getBodyPart(1);
        assertThat(part.getEncoding()).isEqualTo("7bit");
        assertThat(new String(part.getRawInputStream().readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo(forwarded);
        // (javax.mail itself misreads the base64-labelled original, so the expectation is spelled out.)
        assertThat(leaves(payload(signed))).containsExactly(new Leaf("text/plain", "see attached"), new Leaf("forwarded-subject", "fwd"),
            new Leaf("text/plain", "plain 7bit text a=b\r\n"));
        judgesAgree(signed, "rfc822-base64");
    }

    @Test
    void aSinglePartEightBitHtmlMessageKeepsItsEqualsSigns() throws Exception {
        byte[] original = message(headers(SERVER_NOW) + "Content-Type: text/html; charset=UTF-8\nContent-Transfer-Encoding: 8bit\n\n"
            + HTML + "\n");
        byte[] signed = signer.sign(original, pki.credential, SERVER_NOW);
        assertThat(new String(payload(signed).getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(HTML + "\r\n");
        judgesAgree(signed, "single-html");
    }

    @Test
    void aBinaryAttachmentIsBase64EncodedWithEveryByteKept() throws Exception {
        byte[] data = new byte[256];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) i;
        }
        String head = headers(SERVER_NOW) + "Content-Type: multipart/mixed; boundary=\"b\"\n\n--b\nContent-Type: text/plain\n\nbinary follows\n"
            + "--b\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: binary\n\n";
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        raw.writeBytes(message(head));
        raw.writeBytes(data);
        raw.writeBytes("\r\n--b--\r\n".getBytes(StandardCharsets.US_ASCII));
        byte[] signed = signer.sign(raw.toByteArray(), pki.credential, SERVER_NOW);
        MimeBodyPart attachment = (MimeBodyPart) ((MimeMultipart) payload(signed).getContent()).getBodyPart(1);
        assertThat(attachment.getEncoding()).isEqualTo("base64");
        assertThat(attachment.getInputStream().readAllBytes()).isEqualTo(data);
        judgesAgree(signed, "binary");
    }

    @Test
    void partsThatAreAlreadySevenBitKeepTheirBytes() throws Exception {
        byte[] original = message(headers(SERVER_NOW) + "Content-Type: multipart/mixed; boundary=\"s\"\n\npreamble\n"
            + "--s\nContent-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: quoted-printable\n\n=E7=A8=8E a=3Db\n"
            + "--s\nContent-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: base64\n\n5Lq656iO\n"
            + "--s--\nepilogue\n");
        byte[] signed = signer.sign(original, pki.credential, SERVER_NOW);
        byte[] originalBody = MimeEntity.parse(original).body();
        assertThat(new String(MimeEntity.parse(signedBytes(signed)).body(), StandardCharsets.ISO_8859_1))
            .isEqualTo(new String(originalBody, StandardCharsets.ISO_8859_1));
    }

    @Test
    void theInnerHeaderSectionCarriesHpClearAndACopyOfEachProtectedField() throws Exception {
        byte[] original = everyKindOfPart(SERVER_NOW.minusSeconds(10));
        byte[] signed = signer.sign(original, pki.credential, SERVER_NOW);
        MimeEntity outer = MimeEntity.parse(signed);
        MimeEntity inner = MimeEntity.parse(signedBytes(signed));
        assertThat(new ContentType(outer.header("Content-Type")).getParameter("protocol")).isEqualTo("application/pkcs7-signature");
        assertThat(new ContentType(outer.header("Content-Type")).getParameter("micalg")).isEqualTo("sha-256");
        assertThat(new ContentType(inner.header("Content-Type")).getParameter("hp")).isEqualTo("clear");
        for (String field : List.of("From", "To", "Cc", "Reply-To", "Subject", "Date", "Message-ID")) {
            assertThat(inner.header(field)).as(field).isNotNull().isEqualTo(outer.header(field));
            // The outer header is what the client wrote (Thunderbird shows it as before).
            assertThat(outer.header(field)).as(field).isEqualTo(MimeEntity.parse(original).header(field));
        }
        assertThat(inner.header("Received")).isNull();
        assertThat(inner.header("MIME-Version")).isNull();
        judgesAgree(signed, "protected");
    }

    @Test
    void fieldsTheMessageDoesNotHaveAreNotInventedInsideButDateAndMessageIdAreMadeOnBothSides() throws Exception {
        byte[] original = message("From: " + TAX + "\nTo: ma.lan@citizen.hangzhou.example\nSubject: no date, no id\n\nhello\n");
        byte[] signed = signer.sign(original, pki.credential, SERVER_NOW);
        MimeEntity outer = MimeEntity.parse(signed);
        MimeEntity inner = MimeEntity.parse(signedBytes(signed));
        assertThat(inner.header("Cc")).isNull();
        assertThat(inner.header("Reply-To")).isNull();
        assertThat(outer.header("Cc")).isNull();
        assertThat(outer.header("Message-ID")).matches("<[0-9a-f]{32}\\.\\d+@gov\\.hangzhou\\.example>").isEqualTo(inner.header("Message-ID"));
        assertThat(parse(signed).getSentDate().toInstant()).isEqualTo(SERVER_NOW);
        assertThat(inner.header("Date")).isEqualTo(outer.header("Date"));
        judgesAgree(signed, "no-date");
    }

    @Test
    void signingTimeIsTheServersClockNotTheClientsDate() throws Exception {
        Instant clientDate = SERVER_NOW.minus(Duration.ofMinutes(14));
        byte[] signed = signer.sign(everyKindOfPart(clientDate), pki.credential, SERVER_NOW);
        assertThat(signingTime(signed)).isEqualTo(SERVER_NOW);
        // Within 15 minutes the client's Date is what the sender wrote and stays.
        assertThat(parse(signed).getSentDate().toInstant()).isEqualTo(clientDate);
    }

    @Test
    void aClientDateBeforeTheCertificateWasIssuedIsReplacedAndTheSignatureStaysValid() throws Exception {
        // Attack/accident: a Date (and formerly signingTime) before the certificate's notBefore made our own signature "tampered".
        Instant beforeIssuance = ISSUED.minus(Duration.ofDays(3));
        byte[] signed = signer.sign(everyKindOfPart(beforeIssuance), pki.credential, SERVER_NOW);
        assertThat(signingTime(signed)).isEqualTo(SERVER_NOW);
        assertThat(parse(signed).getSentDate().toInstant()).isEqualTo(SERVER_NOW);
        assertThat(MimeEntity.parse(signedBytes(signed)).header("Date")).isEqualTo(MimeEntity.parse(signed).header("Date"));
        judgesAgree(signed, "old-date");
    }

    @Test
    void aDateFarInTheFutureIsReplacedToo() throws Exception {
        byte[] signed = signer.sign(everyKindOfPart(SERVER_NOW.plus(Duration.ofMinutes(16))), pki.credential, SERVER_NOW);
        assertThat(parse(signed).getSentDate().toInstant()).isEqualTo(SERVER_NOW);
        assertThat(SmimeSigner.dateIsCloseTo("not a date", SERVER_NOW)).isFalse();
    }

    @Test
    void theMimeMessageFormWritesExactlyTheSignedBytesEvenAfterSaveChanges() throws Exception {
        // Attack surface: a later saveChanges() (javax.mail, James) must not re-invent the protected Message-ID or re-encode part 1.
        MimeMessage original = parse(everyKindOfPart(SERVER_NOW));
        MimeMessage signed = signer.sign(original, pki.credential);
        ByteArrayOutputStream first = new ByteArrayOutputStream();
        signed.writeTo(first);
        signed.saveChanges();
        ByteArrayOutputStream second = new ByteArrayOutputStream();
        signed.writeTo(second);
        assertThat(MimeEntity.parse(second.toByteArray()).header("Message-ID")).isEqualTo("<fixture.1@gov.hangzhou.example>");
        assertThat(signedBytes(second.toByteArray())).isEqualTo(signedBytes(first.toByteArray()));
        judgesAgree(second.toByteArray(), "after-save");
    }

    @Test
    void changingOneByteOfAReencodedPartBreaksTheSignatureForBothJudges() throws Exception {
        // Attack: alter the amount in the re-encoded 8bit part after signing.
        byte[] signed = signer.sign(message(headers(SERVER_NOW) + "Content-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit\n\n"
            + "Amount due: 100 yuan 元\n"), pki.credential, SERVER_NOW);
        String text = new String(signed, StandardCharsets.ISO_8859_1);
        assertThat(text).contains("Amount due: 100 yuan");
        byte[] tampered = text.replace("Amount due: 100 yuan", "Amount due: 900 yuan").getBytes(StandardCharsets.ISO_8859_1);
        Openssl.Result openssl = Openssl.run("smime", "-verify", "-CAfile", rootPem.toString(), "-in",
            Files.write(tmp.resolve("tampered.eml"), tampered).toString(), "-out", tmp.resolve("tampered.out").toString());
        assertThat(openssl.exitCode()).isNotZero();
        Nss.Result nss = Nss.verifyDetached(nssDb, Files.write(tmp.resolve("tampered.content"), signedBytes(tampered)),
            Files.write(tmp.resolve("tampered.p7s"), signatureDer(tampered)));
        assertThat(nss.goodSignature()).as(nss.output()).isFalse();
    }

    @Test
    void aPartInAnEncodingNobodyKnowsThatIsNotSevenBitIsRefusedWithItsName() {
        byte[] original = message(headers(SERVER_NOW) + "Content-Type: multipart/mixed; boundary=\"u\"\n\n"
            + "--u\nContent-Type: application/x-thing\nContent-Transfer-Encoding: x-private\n\nraw é bytes\n--u--\n");
        assertThatThrownBy(() -> signer.sign(original, pki.credential, SERVER_NOW))
            .hasMessage("the part of type application/x-thing is 8-bit and uses the transfer encoding 'x-private', which cannot be "
                + "decoded; send it as base64 or quoted-printable");
    }

    /** UTF-8 text as the ISO-8859-1 string {@link #leaves} holds its bytes in. */
    private static String octets(String text) {
        return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }
}

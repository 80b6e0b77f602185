package org.civicmail.broadcast.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.Properties;

import javax.mail.Session;
import javax.mail.internet.ContentType;
import javax.mail.internet.InternetHeaders;
import javax.mail.internet.MimeBodyPart;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeMultipart;

import org.civicmail.broadcast.BroadcastKind;
import org.civicmail.smime.SmimeSigner;
import org.civicmail.smime.TestSigningPki;
import org.civicmail.testkit.Openssl;
import org.civicmail.verdict.Authorities;
import org.civicmail.verdict.SignatureVerdict;
import org.civicmail.verdict.SignatureVerifier;
import org.civicmail.verdict.revocation.RevocationStatus;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Broadcast messages carry RFC 9788 header protection that holds for every copy: a notice, signed once for all,
 * protects the same To and Message-ID that each copy shows; a personalised message protects its recipient's To.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MessageComposerTest {
    static final String AGENCY = "tax-bureau@gov.hangzhou.example";
    static final List<String> PROTECTED = List.of("From", "To", "Cc", "Reply-To", "Subject", "Date", "Message-ID");

    @TempDir
    Path tmp;
    TestSigningPki pki;
    Path rootPem;
    MessageComposer composer = new MessageComposer(new SmimeSigner(), "mail.hangzhou.example");
    MessageComposer.Content content = new MessageComposer.Content(AGENCY, "杭州市税务局", "西湖区停水通知", "12月5日停水一天，应纳税额=3D1200。",
        "<p>详情 <a href=\"https://x.example/?a=1&b=20\">链接</a></p>", null, null);

    @BeforeAll
    void pki(@TempDir Path dir) throws Exception {
        pki = TestSigningPki.create(AGENCY, Instant.now().minus(Duration.ofDays(1)));
        rootPem = pki.writeRootPem(dir.resolve("root.pem"));
    }

    private static Instant signingTime(MimeMessage signed) throws Exception {
        org.bouncycastle.cms.SignerInformation signer = new org.bouncycastle.mail.smime.SMIMESigned((MimeMultipart) signed.getContent())
            .getSignerInfos().getSigners().iterator().next();
        org.bouncycastle.asn1.cms.Attribute time = signer.getSignedAttributes().get(org.bouncycastle.asn1.cms.CMSAttributes.signingTime);
        return org.bouncycastle.asn1.cms.Time.getInstance(time.getAttrValues().getObjectAt(0)).getDate().toInstant();
    }

    private static MimeMessage parse(byte[] raw) throws Exception {
        return new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(raw));
    }

    /** The header section of part 1 (the protected copies). */
    private static InternetHeaders inner(byte[] raw) throws Exception {
        MimeBodyPart part = (MimeBodyPart) ((MimeMultipart) parse(raw).getContent()).getBodyPart(0);
        InternetHeaders h = new InternetHeaders();
        for (var e = part.getAllHeaders(); e.hasMoreElements(); ) {
            var header = e.nextElement();
            h.addHeader(header.getName(), header.getValue());
        }
        assertThat(new ContentType(part.getContentType()).getParameter("hp")).isEqualTo("clear");
        return h;
    }

    /** Each protected field is present inside exactly when outside, with the same value. */
    private static void protectedEqualsOuter(byte[] raw) throws Exception {
        MimeMessage outer = parse(raw);
        InternetHeaders inner = inner(raw);
        for (String field : PROTECTED) {
            assertThat(inner.getHeader(field, "\n")).as(field).isEqualTo(outer.getHeader(field, "\n"));
        }
    }

    /** The one verifier the server and the webmail share, trusting the test root, every certificate good. */
    private SignatureVerdict shared(byte[] raw) {
        SignatureVerifier verifier = new SignatureVerifier(new Authorities(List.of(pki.root), List.of()), (c, i) -> RevocationStatus.good(),
            (c, i) -> RevocationStatus.good());
        return verifier.verify(raw, Instant.now());
    }

    private void opensslVerifies(byte[] raw, String name) throws Exception {
        Openssl.Result r = Openssl.run("smime", "-verify", "-CAfile", rootPem.toString(), "-in",
            Files.write(tmp.resolve(name + ".eml"), raw).toString(), "-out", tmp.resolve(name + ".out").toString());
        assertThat(r.exitCode()).as(r.output()).isZero();
    }

    @Test
    void everyCopyOfANoticeShowsTheToAndMessageIdItsSignatureProtects() throws Exception {
        Date date = Date.from(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        byte[] notice = composer.signNotice("20261130-ab", BroadcastKind.POLICY_NOTICE, content, pki.credential, date);
        for (String citizen : List.of("c1@citizen.hangzhou.example", "c2@citizen.hangzhou.example")) {
            byte[] copy = MessageComposer.addressed(notice, citizen, composer.messageId("20261130-ab", citizen));
            MimeMessage m = parse(copy);
            assertThat(m.getHeader("To", null)).isEqualTo(MessageComposer.NOTICE_TO);
            assertThat(m.getHeader("Message-ID", null)).isEqualTo(composer.noticeMessageId("20261130-ab"));
            assertThat(m.getHeader("Delivered-To", null)).isEqualTo(citizen);
            assertThat(m.getSentDate()).isEqualTo(date);
            protectedEqualsOuter(copy);
            opensslVerifies(copy, "notice-copy");
            SignatureVerdict verdict = shared(copy);
            assertThat(verdict.headerValue()).startsWith("valid; signer=\"" + AGENCY + "\"").doesNotContain("headers=unprotected");
        }
        // Attack: a copy re-sent with the victim's address as To no longer matches what the agency signed.
        byte[] copy = MessageComposer.addressed(notice, "c1@citizen.hangzhou.example", composer.messageId("20261130-ab", "c1"));
        byte[] retargeted = new String(copy, StandardCharsets.ISO_8859_1).replaceFirst("To: undisclosed-recipients:;",
            "To: victim@citizen.hangzhou.example").getBytes(StandardCharsets.ISO_8859_1);
        assertThat(shared(retargeted).headerValue()).startsWith("invalid; reason=header-mismatch; header=\"To\"");
        // The per-recipient field is outside the protected set and outside the signed part.
        assertThat(new String(notice, StandardCharsets.UTF_8)).doesNotContain("Delivered-To");
    }

    @Test
    void aPersonalisedMessageProtectsItsRecipientsToAndMessageId() throws Exception {
        Date date = Date.from(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        String to = "c1@citizen.hangzhou.example";
        byte[] raw = composer.signPersonal("20261130-cd", BroadcastKind.UTILITY_BILL, content, pki.credential, date, to,
            composer.messageId("20261130-cd", to));
        MimeMessage m = parse(raw);
        assertThat(m.getHeader("To", null)).isEqualTo(to);
        assertThat(inner(raw).getHeader("To", null)).isEqualTo(to);
        assertThat(m.getHeader("Message-ID", null)).isEqualTo(composer.messageId("20261130-cd", to));
        protectedEqualsOuter(raw);
        opensslVerifies(raw, "personal");
        assertThat(shared(raw).headerValue()).startsWith("valid; signer=\"" + AGENCY + "\"").doesNotContain("headers=unprotected");
        // The signingTime (the verdict's signed-at) is the Date the message shows (one reading of the server clock).
        assertThat(signingTime(m)).isEqualTo(date.toInstant());
        assertThat(shared(raw).signedAt()).contains(date.toInstant());
        // No verdict is baked in when composing: each copy's X-CivicMail-Signature is computed when it is stored.
        assertThat(m.getHeader("X-CivicMail-Signature", null)).isNull();
    }

    @Test
    void aNoticeStoredByAnEarlierVersionStillGetsItsToAndMessageIdPerCopy() {
        byte[] legacy = "From: a@gov.hangzhou.example\r\nSubject: old\r\nContent-Type: text/plain\r\n\r\nTo: not a header\r\n"
            .getBytes(StandardCharsets.US_ASCII);
        assertThat(new String(MessageComposer.recipientHeaders(legacy, "c1@x.example", "<bc.1.a@h>"), StandardCharsets.US_ASCII))
            .isEqualTo("Message-ID: <bc.1.a@h>\r\nTo: c1@x.example\r\n");
    }
}

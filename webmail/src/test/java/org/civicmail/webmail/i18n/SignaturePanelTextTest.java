package org.civicmail.webmail.i18n;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.civicmail.verdict.SignatureVerdict;
import org.civicmail.verdict.SignatureVerdict.Reason;
import org.civicmail.verdict.VerdictHeader;
import org.junit.jupiter.api.Test;

class SignaturePanelTextTest {

    private final SignaturePanelText text = new SignaturePanelText(ZoneId.of("Asia/Shanghai"));
    private static final Instant SIGNED = Instant.parse("2026-05-01T02:30:00Z");

    private static SignatureVerdict valid() {
        return SignatureVerdict.valid("billing@water.city.test", BigInteger.valueOf(0x1a2b), SIGNED).withNames("王明", "市自来水公司");
    }

    private static SignatureVerdict invalid(Reason r, Instant revokedAt) {
        SignatureVerdict v = SignatureVerdict.invalid(r, "d").withSigner("billing@water.city.test", BigInteger.valueOf(0x1a2b), SIGNED)
                .withNames("王明", "市自来水公司");
        return revokedAt == null ? v : v.withRevokedAt(revokedAt);
    }

    private static SignatureVerdict server(String header) {
        return VerdictHeader.parse(header).orElseThrow();
    }

    @Test
    void validPanelInChinese() {
        SignaturePanel p = text.panel(valid(), null, false, Lang.ZH);
        assertEquals("valid", p.state());
        assertEquals("签名有效：此邮件确由下列签名人发出，且未被改动。", p.headline());
        assertNull(p.reason());
        assertEquals(List.of(new SignaturePanel.Fact("签名人", "王明"), new SignaturePanel.Fact("单位", "市自来水公司"),
                new SignaturePanel.Fact("证书邮箱", "billing@water.city.test"), new SignaturePanel.Fact("证书序列号", "1A2B"),
                new SignaturePanel.Fact("签名时间", "2026-05-01 10:30")), p.facts());
        assertEquals(List.of(), p.notes());
        assertNull(p.warning());
    }

    @Test
    void validPanelInEnglishNotesUnknownRevocation() {
        SignaturePanel p = text.panel(valid().withRevocationUnknown(), null, false, Lang.EN);
        assertEquals(new SignaturePanel.Fact("Signed by", "王明"), p.facts().get(0));
        assertEquals(List.of("Could not confirm with the CA that the certificate is not revoked."), p.notes());
        assertEquals(List.of("未能向证书机构确认证书是否被吊销。"), text.panel(valid().withRevocationUnknown(), null, false, Lang.ZH).notes());
    }

    @Test
    void unprotectedHeadersAreSaidInWords() {
        // Attack (issue 11, Why 2) on a client-signed message: the subject can be changed without breaking the signature.
        SignaturePanel zh = text.panel(valid().withHeadersUnprotected(), null, false, Lang.ZH);
        assertEquals("valid", zh.state());
        assertEquals(List.of("主题和收件人不在签名保护范围内。"), zh.notes());
        assertEquals(List.of("The subject and recipients are not covered by the signature."),
                text.panel(valid().withHeadersUnprotected(), null, false, Lang.EN).notes());
    }

    @Test
    void headerMismatchNamesTheChangedFields() {
        SignatureVerdict v = invalid(Reason.HEADER_MISMATCH, null).withChangedHeaders(List.of("To", "Subject", "Reply-To"));
        assertEquals("签名后邮件头被改动：收件人、主题、回复地址", text.panel(v, null, false, Lang.ZH).reason());
        assertEquals("header changed after signing: To, Subject, Reply-To", text.panel(v, null, false, Lang.EN).reason());
    }

    @Test
    void reasonsInPlainWords() {
        assertEquals("签名后内容被改动", text.panel(invalid(Reason.TAMPERED, null), null, false, Lang.ZH).reason());
        assertEquals("altered after signing", text.panel(invalid(Reason.TAMPERED, null), null, false, Lang.EN).reason());
        Instant revoked = Instant.parse("2026-03-01T20:00:00Z");
        assertEquals("证书已于 2026-03-02 吊销", text.panel(invalid(Reason.REVOKED, revoked), null, false, Lang.ZH).reason());
        assertEquals("certificate revoked on 2026-03-02", text.panel(invalid(Reason.REVOKED, revoked), null, false, Lang.EN).reason());
        assertEquals("certificate not valid when the message arrived", text.reason(Reason.EXPIRED, null, Lang.EN));
        assertEquals("unknown issuer: neither the city's CA nor another CA the city trusts", text.reason(Reason.UNKNOWN_CA, null, Lang.EN));
        assertEquals("sender does not match certificate", text.reason(Reason.FROM_MISMATCH, null, Lang.EN));
        assertEquals("发件人与证书不符", text.reason(Reason.FROM_MISMATCH, null, Lang.ZH));
        assertEquals("邮件到达时证书不在有效期内", text.reason(Reason.EXPIRED, null, Lang.ZH));
        assertEquals("证书颁发者未知：不是本市证书机构，也不是本市信任的其他证书机构", text.reason(Reason.UNKNOWN_CA, null, Lang.ZH));
        for (Reason r : Reason.values()) {
            assertTrue(!text.reason(r, null, Lang.ZH).isBlank() && !text.reason(r, null, Lang.EN).isBlank(), r.token());
        }
    }

    @Test
    void invalidHeadline() {
        SignaturePanel p = text.panel(invalid(Reason.TAMPERED, null), null, false, Lang.EN);
        assertEquals("invalid", p.state());
        assertEquals("Signature NOT valid. Do not trust this message.", p.headline());
    }

    @Test
    void unsignedOfficialWarning() {
        SignaturePanel p = text.panel(SignatureVerdict.none(), null, true, Lang.ZH);
        assertEquals("unsigned", p.state());
        assertEquals("此邮件没有数字签名。", p.headline());
        assertEquals(List.of(), p.facts());
        assertEquals("注意：此邮件自称来自政府机关，但没有有效签名。请勿按邮件要求付款或提供个人信息。", p.warning());
    }

    @Test
    void warningNeverOnValidMail() {
        assertNull(text.panel(valid(), null, true, Lang.EN).warning());
    }

    @Test
    void serverDisagreementIsShown() {
        SignaturePanel p = text.panel(invalid(Reason.TAMPERED, null), server("valid; serial=1A2B"), false, Lang.EN);
        assertEquals(List.of("The mail server's check differs from this page: signature valid"), p.notes());
        SignaturePanel zh = text.panel(valid(), server("invalid; reason=revoked; revoked-at=2026-03-01T20:00:00Z"), false, Lang.ZH);
        assertEquals(List.of("邮件服务器的检查结果与本页不同：签名无效（证书已于 2026-03-02 吊销）"), zh.notes());
        assertEquals(List.of("The mail server's check differs from this page: signature valid"),
                text.panel(valid(), server("valid; serial=FFFF"), false, Lang.EN).notes(), "another certificate");
    }

    @Test
    void agreementAddsNoNote() {
        assertTrue(text.panel(valid(), server("valid; serial=1A2B"), false, Lang.ZH).notes().isEmpty());
        assertTrue(text.panel(valid(), server("valid; serial=01a2b; headers=unprotected"), false, Lang.ZH).notes().isEmpty());
    }
}

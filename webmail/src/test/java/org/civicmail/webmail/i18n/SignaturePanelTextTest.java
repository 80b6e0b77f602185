package org.civicmail.webmail.i18n;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.civicmail.webmail.signature.ServerSignatureHeader;
import org.civicmail.webmail.signature.SignatureVerdict;
import org.civicmail.webmail.signature.SignatureVerdict.Kind;
import org.civicmail.webmail.signature.SignatureVerdict.Reason;
import org.junit.jupiter.api.Test;

class SignaturePanelTextTest {

    private final SignaturePanelText text = new SignaturePanelText(ZoneId.of("Asia/Shanghai"));
    private static final Instant SIGNED = Instant.parse("2026-05-01T02:30:00Z");

    private static SignatureVerdict valid(boolean checked) {
        return new SignatureVerdict(Kind.VALID, null, null, "王明", "市自来水公司", "billing@water.city.test", "1A2B",
                SIGNED, null, checked);
    }

    private static SignatureVerdict invalid(Reason r, Instant revokedAt) {
        return new SignatureVerdict(Kind.INVALID, r, "d", "王明", "市自来水公司", "billing@water.city.test", "1A2B",
                SIGNED, revokedAt, true);
    }

    @Test
    void validPanelInChinese() {
        SignaturePanel p = text.panel(valid(true), null, false, Lang.ZH);
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
    void validPanelInEnglishNotesUncheckedRevocation() {
        SignaturePanel p = text.panel(valid(false), null, false, Lang.EN);
        assertEquals(new SignaturePanel.Fact("Signed by", "王明"), p.facts().get(0));
        assertEquals(List.of("Could not confirm with the CA that the certificate is not revoked."), p.notes());
    }

    @Test
    void reasonsInPlainWords() {
        assertEquals("签名后内容被改动", text.panel(invalid(Reason.TAMPERED, null), null, false, Lang.ZH).reason());
        assertEquals("altered after signing", text.panel(invalid(Reason.TAMPERED, null), null, false, Lang.EN).reason());
        Instant revoked = Instant.parse("2026-03-01T20:00:00Z");
        assertEquals("证书已于 2026-03-02 吊销", text.panel(invalid(Reason.REVOKED, revoked), null, false, Lang.ZH).reason());
        assertEquals("certificate revoked on 2026-03-02", text.panel(invalid(Reason.REVOKED, revoked), null, false, Lang.EN).reason());
        assertEquals("certificate expired when the message was signed", text.reason(Reason.EXPIRED, null, Lang.EN));
        assertEquals("unknown issuer: not issued by the city's CA", text.reason(Reason.UNKNOWN_CA, null, Lang.EN));
        assertEquals("sender does not match certificate", text.reason(Reason.FROM_MISMATCH, null, Lang.EN));
        assertEquals("发件人与证书不符", text.reason(Reason.FROM_MISMATCH, null, Lang.ZH));
        assertEquals("签名时证书已过期", text.reason(Reason.EXPIRED, null, Lang.ZH));
        assertEquals("证书颁发者未知，不是本市证书机构签发", text.reason(Reason.UNKNOWN_CA, null, Lang.ZH));
    }

    @Test
    void invalidHeadline() {
        SignaturePanel p = text.panel(invalid(Reason.TAMPERED, null), null, false, Lang.EN);
        assertEquals("invalid", p.state());
        assertEquals("Signature NOT valid. Do not trust this message.", p.headline());
    }

    @Test
    void unsignedOfficialWarning() {
        SignaturePanel p = text.panel(SignatureVerdict.unsigned(), null, true, Lang.ZH);
        assertEquals("unsigned", p.state());
        assertEquals("此邮件没有数字签名。", p.headline());
        assertEquals(List.of(), p.facts());
        assertEquals("注意：此邮件自称来自政府机关，但没有有效签名。请勿按邮件要求付款或提供个人信息。", p.warning());
    }

    @Test
    void warningNeverOnValidMail() {
        assertNull(text.panel(valid(true), null, true, Lang.EN).warning());
    }

    @Test
    void serverDisagreementIsShown() {
        SignaturePanel p = text.panel(invalid(Reason.TAMPERED, null), ServerSignatureHeader.parse("valid; serial=1A2B"),
                false, Lang.EN);
        assertEquals(List.of("The mail server's check differs from this page: signature valid"), p.notes());
        SignaturePanel zh = text.panel(valid(true), ServerSignatureHeader.parse(
                "invalid; reason=revoked; revoked-at=2026-03-01T20:00:00Z"), false, Lang.ZH);
        assertEquals(List.of("邮件服务器的检查结果与本页不同：签名无效（证书已于 2026-03-02 吊销）"), zh.notes());
    }

    @Test
    void agreementAddsNoNote() {
        assertTrue(text.panel(valid(true), ServerSignatureHeader.parse("valid; serial=1A2B"), false, Lang.ZH).notes().isEmpty());
    }
}

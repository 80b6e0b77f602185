package org.civicmail.webmail.i18n;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.civicmail.webmail.signature.ServerSignatureHeader;
import org.civicmail.webmail.signature.SignatureVerdict;
import org.civicmail.webmail.signature.SignatureVerdict.Kind;
import org.civicmail.webmail.signature.SignatureVerdict.Reason;

/** Turns a verdict (ours, the server's, and the official-sender warning) into panel wording, in Chinese or English. */
public final class SignaturePanelText {

    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd");

    private final ZoneId zone;

    public SignaturePanelText(ZoneId zone) {
        this.zone = zone;
    }

    public SignaturePanel panel(SignatureVerdict own, ServerSignatureHeader server, boolean officialWarning, Lang lang) {
        boolean zh = lang == Lang.ZH;
        String state = own.kind().name().toLowerCase(java.util.Locale.ROOT);
        String headline = switch (own.kind()) {
            case VALID -> zh ? "签名有效：此邮件确由下列签名人发出，且未被改动。"
                             : "Signature valid: this message comes from the signer below and has not been changed.";
            case INVALID -> zh ? "签名无效，请勿轻信此邮件。" : "Signature NOT valid. Do not trust this message.";
            case UNSIGNED -> zh ? "此邮件没有数字签名。" : "This message is not signed.";
        };
        String reason = own.kind() == Kind.INVALID ? reason(own.reason(), own.revokedAt(), lang) : null;

        List<SignaturePanel.Fact> facts = new ArrayList<>();
        if (own.kind() != Kind.UNSIGNED && own.signerName() != null) {
            facts.add(new SignaturePanel.Fact(zh ? "签名人" : "Signed by", own.signerName()));
            if (own.organisation() != null) {
                facts.add(new SignaturePanel.Fact(zh ? "单位" : "Organisation", own.organisation()));
            }
            if (own.signerEmail() != null) {
                facts.add(new SignaturePanel.Fact(zh ? "证书邮箱" : "Certificate e-mail", own.signerEmail()));
            }
            facts.add(new SignaturePanel.Fact(zh ? "证书序列号" : "Certificate serial", own.serialHex()));
            if (own.signedAt() != null) {
                facts.add(new SignaturePanel.Fact(zh ? "签名时间" : "Signed at", DATE_TIME.format(own.signedAt().atZone(zone))));
            }
        }

        List<String> notes = new ArrayList<>();
        if (own.kind() == Kind.VALID && !own.revocationChecked()) {
            notes.add(zh ? "未能向证书机构确认证书是否被吊销。" : "Could not confirm with the CA that the certificate is not revoked.");
        }
        if (server != null && server.disagreesWith(own)) {
            notes.add((zh ? "邮件服务器的检查结果与本页不同：" : "The mail server's check differs from this page: ")
                    + serverSummary(server, lang));
        }
        String warning = officialWarning && own.kind() != Kind.VALID
                ? (zh ? "注意：此邮件自称来自政府机关，但没有有效签名。请勿按邮件要求付款或提供个人信息。"
                      : "Warning: this message claims to come from an official sender but has no valid signature. "
                        + "Do not pay or give personal details because of it.")
                : null;
        return new SignaturePanel(state, headline, reason, List.copyOf(facts), List.copyOf(notes), warning);
    }

    /** The reason in plain words. */
    public String reason(Reason reason, Instant revokedAt, Lang lang) {
        boolean zh = lang == Lang.ZH;
        return switch (reason) {
            case TAMPERED -> zh ? "签名后内容被改动" : "altered after signing";
            case REVOKED -> revokedAt == null
                    ? (zh ? "证书已被吊销" : "certificate revoked")
                    : (zh ? "证书已于 " + DATE.format(revokedAt.atZone(zone)) + " 吊销"
                          : "certificate revoked on " + DATE.format(revokedAt.atZone(zone)));
            case EXPIRED -> zh ? "签名时证书已过期" : "certificate expired when the message was signed";
            case UNKNOWN_CA -> zh ? "证书颁发者未知，不是本市证书机构签发" : "unknown issuer: not issued by the city's CA";
            case FROM_MISMATCH -> zh ? "发件人与证书不符" : "sender does not match certificate";
            case NOT_FOR_EMAIL -> zh ? "证书不能用于邮件签名" : "certificate is not meant for e-mail";
            case MALFORMED -> zh ? "签名已损坏，无法检查" : "signature is damaged and cannot be checked";
        };
    }

    private String serverSummary(ServerSignatureHeader server, Lang lang) {
        boolean zh = lang == Lang.ZH;
        return switch (server.kind()) {
            case VALID -> zh ? "签名有效" : "signature valid";
            case UNSIGNED -> zh ? "未签名" : "not signed";
            case INVALID -> (zh ? "签名无效（" : "signature not valid (") + reason(server.reason(), server.revokedAt(), lang)
                    + (zh ? "）" : ")");
        };
    }
}

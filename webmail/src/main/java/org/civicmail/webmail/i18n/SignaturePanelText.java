package org.civicmail.webmail.i18n;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.civicmail.verdict.SignatureVerdict;
import org.civicmail.verdict.SignatureVerdict.Kind;
import org.civicmail.verdict.SignatureVerdict.Reason;

/** Turns a verdict (ours, the server's, and the official-sender warning) into panel wording, in Chinese or English. */
public final class SignaturePanelText {

    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd");

    private final ZoneId zone;

    public SignaturePanelText(ZoneId zone) {
        this.zone = zone;
    }

    /**
     * @param own    the webmail's own verdict on the stored bytes
     * @param server the server's verdict from {@code X-CivicMail-Signature}, or {@code null} when absent or unreadable
     */
    public SignaturePanel panel(SignatureVerdict own, SignatureVerdict server, boolean officialWarning, Lang lang) {
        boolean zh = lang == Lang.ZH;
        String state = switch (own.kind()) {
            case VALID -> "valid";
            case INVALID -> "invalid";
            case NONE -> "unsigned";
        };
        String headline = switch (own.kind()) {
            case VALID -> zh ? "签名有效：此邮件确由下列签名人发出，且未被改动。"
                             : "Signature valid: this message comes from the signer below and has not been changed.";
            case INVALID -> zh ? "签名无效，请勿轻信此邮件。" : "Signature NOT valid. Do not trust this message.";
            case NONE -> zh ? "此邮件没有数字签名。" : "This message is not signed.";
        };
        String reason = own.kind() == Kind.INVALID ? reason(own, lang) : null;

        List<SignaturePanel.Fact> facts = new ArrayList<>();
        if (own.kind() != Kind.NONE && own.serial().isPresent()) {
            own.signerName().ifPresent(n -> facts.add(new SignaturePanel.Fact(zh ? "签名人" : "Signed by", n)));
            own.organisation().ifPresent(o -> facts.add(new SignaturePanel.Fact(zh ? "单位" : "Organisation", o)));
            own.signer().ifPresent(e -> facts.add(new SignaturePanel.Fact(zh ? "证书邮箱" : "Certificate e-mail", e)));
            facts.add(new SignaturePanel.Fact(zh ? "证书序列号" : "Certificate serial",
                    own.serial().get().toString(16).toUpperCase(Locale.ROOT)));
            own.signedAt().ifPresent(t -> facts.add(new SignaturePanel.Fact(zh ? "签名时间" : "Signed at",
                    DATE_TIME.format(t.atZone(zone)))));
        }

        List<String> notes = new ArrayList<>();
        if (own.kind() == Kind.VALID && own.headersUnprotected()) {
            // Short on purpose: on a phone the body must still start on the first screen (BrowserIT).
            notes.add(zh ? "主题和收件人不在签名保护范围内。" : "The subject and recipients are not covered by the signature.");
        }
        if (own.kind() == Kind.VALID && own.revocationUnknown()) {
            notes.add(zh ? "未能向证书机构确认证书是否被吊销。" : "Could not confirm with the CA that the certificate is not revoked.");
        }
        if (server != null && disagree(server, own)) {
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

    /** The reason of an invalid verdict in plain words, naming the changed header fields for a header mismatch. */
    public String reason(SignatureVerdict verdict, Lang lang) {
        Reason r = verdict.reason().orElseThrow();
        if (r == Reason.HEADER_MISMATCH && !verdict.changedHeaders().isEmpty()) {
            String names = String.join(lang == Lang.ZH ? "、" : ", ", verdict.changedHeaders().stream()
                    .map(n -> fieldName(n, lang)).toList());
            return lang == Lang.ZH ? "签名后邮件头被改动：" + names : "header changed after signing: " + names;
        }
        return reason(r, verdict.revokedAt().orElse(null), lang);
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
            case EXPIRED -> zh ? "邮件到达时证书不在有效期内" : "certificate not valid when the message arrived";
            case UNKNOWN_CA -> zh ? "证书颁发者未知：不是本市证书机构，也不是本市信任的其他证书机构"
                    : "unknown issuer: neither the city's CA nor another CA the city trusts";
            case FROM_MISMATCH -> zh ? "发件人与证书不符" : "sender does not match certificate";
            case BAD_KEY_USAGE -> zh ? "证书不能用于邮件签名" : "certificate is not meant for e-mail";
            case MALFORMED -> zh ? "签名已损坏，无法检查" : "signature is damaged and cannot be checked";
            case HEADER_MISMATCH -> zh ? "签名后邮件头被改动" : "header changed after signing";
        };
    }

    private static String fieldName(String field, Lang lang) {
        if (lang != Lang.ZH) {
            return field;
        }
        return switch (field.toLowerCase(Locale.ROOT)) {
            case "from" -> "发件人";
            case "to" -> "收件人";
            case "cc" -> "抄送";
            case "subject" -> "主题";
            case "date" -> "日期";
            case "message-id" -> "邮件编号";
            case "reply-to" -> "回复地址";
            default -> field;
        };
    }

    /** Different kind, reason or signer certificate: the reader should know both said different things. */
    static boolean disagree(SignatureVerdict server, SignatureVerdict own) {
        if (server.kind() != own.kind()) {
            return true;
        }
        if (server.kind() == Kind.INVALID) {
            return !server.reason().equals(own.reason());
        }
        return server.kind() == Kind.VALID && server.serial().isPresent() && own.serial().isPresent()
                && !Objects.equals(server.serial(), own.serial());
    }

    private String serverSummary(SignatureVerdict server, Lang lang) {
        boolean zh = lang == Lang.ZH;
        return switch (server.kind()) {
            case VALID -> zh ? "签名有效" : "signature valid";
            case NONE -> zh ? "未签名" : "not signed";
            case INVALID -> (zh ? "签名无效（" : "signature not valid (") + reason(server, lang) + (zh ? "）" : ")");
        };
    }
}

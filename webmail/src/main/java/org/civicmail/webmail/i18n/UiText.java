package org.civicmail.webmail.i18n;

import java.util.Map;

/** UI strings of one language, looked up by key from templates: {@code t.get("login.title")}. */
public final class UiText {

    private static final Map<String, String> ZH = Map.ofEntries(
            Map.entry("app.name", "市民邮箱"),
            Map.entry("login.title", "登录"),
            Map.entry("login.user", "邮箱地址"),
            Map.entry("login.password", "密码"),
            Map.entry("login.submit", "登录"),
            Map.entry("login.cert", "使用数字证书登录"),
            Map.entry("login.failed", "邮箱地址或密码不正确。"),
            Map.entry("login.throttled", "尝试次数过多，请稍后再试。"),
            Map.entry("logout", "退出"),
            Map.entry("folders", "文件夹"),
            Map.entry("search", "搜索"),
            Map.entry("search.label", "在此文件夹中搜索"),
            Map.entry("compose", "写邮件"),
            Map.entry("list.from", "发件人"),
            Map.entry("list.subject", "主题"),
            Map.entry("list.date", "日期"),
            Map.entry("list.unread", "未读"),
            Map.entry("list.empty", "没有邮件。"),
            Map.entry("list.newest", "最新在前"),
            Map.entry("list.oldest", "最早在前"),
            Map.entry("page.prev", "上一页"),
            Map.entry("page.next", "下一页"),
            Map.entry("page.of", "第 %d / %d 页"),
            Map.entry("msg.from", "发件人"),
            Map.entry("msg.to", "收件人"),
            Map.entry("msg.date", "日期"),
            Map.entry("msg.subject", "主题"),
            Map.entry("msg.attachments", "附件"),
            Map.entry("msg.reply", "回复"),
            Map.entry("msg.forward", "转发"),
            Map.entry("msg.edit-draft", "继续编辑"),
            Map.entry("msg.back", "返回列表"),
            Map.entry("msg.images.blocked", "为保护您的隐私，已阻止外部图片。"),
            Map.entry("msg.images.allow", "显示图片"),
            Map.entry("msg.notfound", "找不到这封邮件。"),
            Map.entry("compose.to", "收件人"),
            Map.entry("compose.cc", "抄送"),
            Map.entry("compose.subject", "主题"),
            Map.entry("compose.body", "正文"),
            Map.entry("compose.attach", "添加附件"),
            Map.entry("compose.send", "发送"),
            Map.entry("compose.draft", "存草稿"),
            Map.entry("compose.sent", "邮件已发送。"),
            Map.entry("compose.saved", "草稿已保存。"),
            Map.entry("compose.bad-address", "收件人地址无效："),
            Map.entry("compose.failed", "发送失败："),
            Map.entry("lang.switch", "English"),
            Map.entry("error.title", "出错了"),
            Map.entry("error.csrf", "表单已过期或来源不明，请返回重试。"),
            Map.entry("error.back", "返回首页"),
            Map.entry("cert.refused", "数字证书登录被拒绝"),
            Map.entry("cert.none", "浏览器没有提供数字证书。"),
            Map.entry("cert.revoked", "您的证书已被吊销，不能用于登录。"),
            Map.entry("cert.expired", "您的证书已过期或尚未生效。"),
            Map.entry("cert.foreign", "您的证书不是本市证书机构签发的。"),
            Map.entry("cert.noemail", "证书中没有邮箱地址。"),
            Map.entry("cert.unavailable", "本服务暂不支持证书登录，请使用密码。"),
            Map.entry("cert.unchecked", "暂时无法向证书机构核实您的证书状态，请稍后再试或使用密码。"),
            Map.entry("cert.noaccount", "无法打开与证书邮箱对应的邮箱："),
            Map.entry("skip", "跳到正文"));

    private static final Map<String, String> EN = Map.ofEntries(
            Map.entry("app.name", "Citizen Mail"),
            Map.entry("login.title", "Sign in"),
            Map.entry("login.user", "E-mail address"),
            Map.entry("login.password", "Password"),
            Map.entry("login.submit", "Sign in"),
            Map.entry("login.cert", "Sign in with my certificate"),
            Map.entry("login.failed", "Wrong e-mail address or password."),
            Map.entry("login.throttled", "Too many attempts. Please wait a little and try again."),
            Map.entry("logout", "Sign out"),
            Map.entry("folders", "Folders"),
            Map.entry("search", "Search"),
            Map.entry("search.label", "Search this folder"),
            Map.entry("compose", "Write"),
            Map.entry("list.from", "From"),
            Map.entry("list.subject", "Subject"),
            Map.entry("list.date", "Date"),
            Map.entry("list.unread", "unread"),
            Map.entry("list.empty", "No messages."),
            Map.entry("list.newest", "Newest first"),
            Map.entry("list.oldest", "Oldest first"),
            Map.entry("page.prev", "Previous page"),
            Map.entry("page.next", "Next page"),
            Map.entry("page.of", "Page %d of %d"),
            Map.entry("msg.from", "From"),
            Map.entry("msg.to", "To"),
            Map.entry("msg.date", "Date"),
            Map.entry("msg.subject", "Subject"),
            Map.entry("msg.attachments", "Attachments"),
            Map.entry("msg.reply", "Reply"),
            Map.entry("msg.forward", "Forward"),
            Map.entry("msg.edit-draft", "Edit draft"),
            Map.entry("msg.back", "Back to list"),
            Map.entry("msg.images.blocked", "Remote images were blocked to protect your privacy."),
            Map.entry("msg.images.allow", "Show images"),
            Map.entry("msg.notfound", "This message cannot be found."),
            Map.entry("compose.to", "To"),
            Map.entry("compose.cc", "Cc"),
            Map.entry("compose.subject", "Subject"),
            Map.entry("compose.body", "Message"),
            Map.entry("compose.attach", "Attach files"),
            Map.entry("compose.send", "Send"),
            Map.entry("compose.draft", "Save draft"),
            Map.entry("compose.sent", "Your message was sent."),
            Map.entry("compose.saved", "Draft saved."),
            Map.entry("compose.bad-address", "Invalid recipient address: "),
            Map.entry("compose.failed", "Sending failed: "),
            Map.entry("lang.switch", "中文"),
            Map.entry("error.title", "Something went wrong"),
            Map.entry("error.csrf", "This form has expired or did not come from this site. Please go back and try again."),
            Map.entry("error.back", "Back to start"),
            Map.entry("cert.refused", "Certificate sign-in refused"),
            Map.entry("cert.none", "Your browser did not present a certificate."),
            Map.entry("cert.revoked", "Your certificate has been revoked and cannot be used to sign in."),
            Map.entry("cert.expired", "Your certificate has expired or is not yet valid."),
            Map.entry("cert.foreign", "Your certificate was not issued by the city's certificate authority."),
            Map.entry("cert.noemail", "Your certificate contains no e-mail address."),
            Map.entry("cert.unavailable", "Certificate sign-in is not available here; please use your password."),
            Map.entry("cert.unchecked", "Your certificate's status cannot be confirmed with the CA right now. Try again later or use your password."),
            Map.entry("cert.noaccount", "Cannot open the mailbox for the certificate's address:"),
            Map.entry("skip", "Skip to content"));

    private final Lang lang;
    private final Map<String, String> table;

    private UiText(Lang lang) {
        this.lang = lang;
        this.table = lang == Lang.EN ? EN : ZH;
    }

    private static final UiText ZH_TEXT = new UiText(Lang.ZH);
    private static final UiText EN_TEXT = new UiText(Lang.EN);

    public static UiText of(Lang lang) {
        return lang == Lang.EN ? EN_TEXT : ZH_TEXT;
    }

    public Lang lang() { return lang; }

    /** The other language, for the switch link. */
    public Lang other() { return lang == Lang.EN ? Lang.ZH : Lang.EN; }

    /** @return the text for {@code key}; the key itself when missing, so a gap is visible, not fatal */
    public String get(String key) {
        return table.getOrDefault(key, key);
    }

    public String format(String key, Object... args) {
        return String.format(get(key), args);
    }

    static Map<String, String> table(Lang lang) {
        return lang == Lang.EN ? EN : ZH;
    }
}

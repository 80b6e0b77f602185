package org.civicmail.webmail.web;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.Flags;
import jakarta.mail.Message;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.civicmail.verdict.revocation.RevocationStatus;
import org.civicmail.webmail.testkit.Mails;
import org.civicmail.webmail.testkit.TestPki;
import org.civicmail.webmail.testkit.WebClient;
import org.civicmail.webmail.testkit.WebmailFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 17 over HTTP against a real IMAP server (GreenMail standing in for the mail server, so the fixtures carry
 * the verdict headers the server would have written): list badges, the unverified banner, Reply-To, reply outside
 * the city, delete / move / unread / report checked over IMAP, 8-bit headers, .eml download, 404 page.
 */
class MailboxTrustIT {

    static final String USER = "trust@city.test";
    static final String PW = "trust-pw";
    static final String TRUST = "信任";
    static WebmailFixture fx;
    static TestPki.Entity water;
    static byte[] validRaw;

    @BeforeAll
    static void start() throws Exception {
        TestPki pki = TestPki.create("Trust City");
        water = pki.person("billing@water.city.test", "王明", "市自来水公司");
        TestPki.Entity civil = pki.person("notice@gov.city.test", "李华", "市民政局");
        fx = new WebmailFixture(pki, (c, i) -> RevocationStatus.good());
        fx.user(USER, PW);
        fx.user(WebmailFixture.REPORT_ADDRESS, "abuse-pw");
        MimeMessage valid = TestPki.withHeader(TestPki.signed(water, "billing@water.city.test", USER, "五月水费账单",
                "本月水费 42 元。", false, Instant.now()), "X-CivicMail-Signature", "valid; signer=\"billing@water.city.test\"; serial="
                + water.cert().getSerialNumber().toString(16) + "; signed-at=2026-05-01T00:00:00Z");
        validRaw = TestPki.bytes(valid);
        fx.append(USER, PW, TRUST, false,
                valid,
                withServerVerdict(Mails.text("tax-bureau@gov.city.test", USER, "【紧急】您有一笔退税待领取",
                        "请点击链接领取。"), "none", "unsigned-official-sender"),
                withServerVerdict(Mails.text("\"市税务局\" <service@tax-refund.example.net>", USER, "退税通知（看起来像官方）",
                        "请回复您的银行卡号。"), "none", "display-name-impersonation"),
                TestPki.withHeader(Mails.text("friend@city.test", USER, "聚会改地点", "详见回复地址。"),
                        "Reply-To", "pay@freemail.example.org"),
                // attack: a verdict header naming a certificate whose message fails our own full check must not
                // lend the certificate's agency name to the list
                TestPki.withHeader(TestPki.tamper(TestPki.signed(civil, "notice@gov.city.test", USER, "Changed notice",
                        "Amount due: 100", false, Instant.now()), "Amount due: 100", "Amount due: 900"),
                        "X-CivicMail-Signature", "valid; signer=\"notice@gov.city.test\"; serial="
                        + civil.cert().getSerialNumber().toString(16)),
                Mails.html("news@shop.test", USER, "Link test",
                        "<p><a href=\"https://evil.example.net/pay\">https://gov.city.test/refund</a></p>"));
    }

    static MimeMessage withServerVerdict(MimeMessage m, String verdict, String warning) throws Exception {
        return TestPki.withHeader(TestPki.withHeader(m, "X-CivicMail-Warning", warning), "X-CivicMail-Signature", verdict);
    }

    @AfterAll
    static void stop() {
        fx.close();
    }

    static WebClient signedIn() throws Exception {
        WebClient c = new WebClient(fx.baseUrl());
        assertEquals(200, c.login(USER, PW).statusCode());
        return c;
    }

    static String q(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** The list row (li) holding a subject. */
    static String row(String listHtml, String subject) {
        for (String chunk : listHtml.split("<li class=\"row ")) {
            if (chunk.contains(">" + subject + "</span>")) {
                return chunk.substring(0, chunk.indexOf("</li>"));
            }
        }
        throw new AssertionError("no row '" + subject + "' in\n" + listHtml);
    }

    static long uid(String row) {
        Matcher m = Pattern.compile("data-uid=\"(\\d+)\"").matcher(row);
        assertTrue(m.find(), row);
        return Long.parseLong(m.group(1));
    }

    static long uidOf(WebClient c, String folder, String subject) throws Exception {
        return uid(row(c.get("/mail?f=" + q(folder)).body(), subject));
    }

    @Test
    void listRowsCarryTheServersVerdictAndTheSendersAddress() throws Exception {
        String list = signedIn().get("/mail?f=" + q(TRUST)).body();
        String valid = row(list, "五月水费账单");
        assertTrue(valid.contains("data-trust=\"verified\">✔ 已验证 · 市自来水公司</span>"), valid);
        assertTrue(valid.contains("<span class=\"addr\">billing@water.city.test</span>"), valid);
        String forged = row(list, "【紧急】您有一笔退税待领取");
        assertTrue(forged.contains("data-trust=\"unverified\">⚠ 未验证 · 自称政府机关，没有签名</span>"), forged);
        assertFalse(forged.contains("已验证 ·"), forged);
        String lookAlike = row(list, "退税通知（看起来像官方）");
        assertTrue(lookAlike.contains("<span class=\"name\">市税务局</span> <span class=\"addr\">service@tax-refund.example.net</span>"), lookAlike);
        assertTrue(lookAlike.contains("data-trust=\"unverified\">⚠ 未验证 · 冒用机构名称</span>"), lookAlike);
        String replyTo = row(list, "聚会改地点");
        assertTrue(replyTo.contains("data-trust=\"reply-to\">回复将发往 pay@freemail.example.org</span>"), replyTo);
        assertFalse(replyTo.contains("data-trust=\"verified\"") || replyTo.contains("data-trust=\"unverified\""), replyTo);
        String changed = row(list, "Changed notice");
        assertTrue(changed.contains("✔ 已验证 · notice@gov.city.test</span>"), "server said valid; the name stays the address: " + changed);
        assertFalse(changed.contains("市民政局"), changed);
    }

    @Test
    void unreadAndTrustStateAreInTheLinkTextForScreenReaders() throws Exception {
        String forged = row(signedIn().get("/mail?f=" + q(TRUST)).body(), "【紧急】您有一笔退税待领取");
        String link = forged.substring(forged.indexOf("<a class=\"open\""), forged.indexOf("</a>"));
        assertTrue(link.contains("<span class=\"sr\">未读: </span>") && link.contains("⚠ 未验证"), link);
    }

    @Test
    void lookAlikeMessageShowsRedBannerReportAndDemotedReply() throws Exception {
        WebClient c = signedIn();
        String html = c.get("/mail/msg?f=" + q(TRUST) + "&uid=" + uidOf(c, TRUST, "退税通知（看起来像官方）")).body();
        assertTrue(html.contains("id=\"trust-banner\""), html);
        assertTrue(html.contains("发件人名称“市税务局”冒用了本市机构的名称，但实际发件地址是 service@tax-refund.example.net"), html);
        assertTrue(html.contains("class=\"danger\" id=\"report\">举报</button>"), html);
        assertTrue(html.contains("class=\"button secondary\" href=\"/compose?mode=reply"), "reply is demoted: " + html);
        assertFalse(html.contains("class=\"button\" href=\"/compose?mode=reply"), html);
        assertTrue(html.indexOf("id=\"trust-banner\"") < html.indexOf("id=\"body\""));
    }

    @Test
    void verifiedMessageShowsTheOneLineVerdictFirstAndReplyStaysPrimary() throws Exception {
        WebClient c = signedIn();
        String html = c.get("/mail/msg?f=" + q(TRUST) + "&uid=" + uidOf(c, TRUST, "五月水费账单")).body();
        assertTrue(html.contains("id=\"verdict-line\" data-trust=\"verified\">✔ 已验证 · 市自来水公司</p>"), html);
        assertTrue(html.indexOf("id=\"verdict-line\"") < html.indexOf("id=\"subject\""), html);
        assertTrue(html.contains("<details class=\"signature valid\" id=\"signature-panel\" data-state=\"valid\">"), html);
        assertTrue(html.contains("class=\"button\" href=\"/compose?mode=reply"), html);
    }

    @Test
    void replyToIsShownWarnedAndAReplyOutsideTheCityAsksFirst() throws Exception {
        WebClient c = signedIn();
        long uid = uidOf(c, TRUST, "聚会改地点");
        String html = c.get("/mail/msg?f=" + q(TRUST) + "&uid=" + uid).body();
        assertTrue(html.contains("<dd id=\"reply-to\"><span class=\"addr\">pay@freemail.example.org</span></dd>"), html);
        assertTrue(html.contains("注意：回复这封邮件会发到 pay@freemail.example.org，而不是发件人 friend@city.test。 这个回复地址不在本市邮箱内。"), html);
        String form = c.get("/compose?mode=reply&f=" + q(TRUST) + "&uid=" + uid).body();
        assertTrue(form.contains("value=\"pay@freemail.example.org\""), form);
        Matcher inReplyTo = Pattern.compile("name=\"inReplyTo\" value=\"([^\"]*)\"").matcher(form);
        assertTrue(inReplyTo.find() && !inReplyTo.group(1).isBlank(), form);
        String token = WebClient.csrf(form);
        // attack: the forged notice's Reply-To leads out of the city; one click on Send must not get there
        HttpResponse<String> asked = c.post("/compose", "csrf", token, "to", "pay@freemail.example.org", "subject",
                "Re: 聚会改地点", "body", "好的", "inReplyTo", inReplyTo.group(1), "action", "send");
        assertEquals(200, asked.statusCode(), asked.body());
        assertTrue(asked.body().contains("id=\"outside-confirm\"") && asked.body().contains("请确认：这封回复将发往本市以外的地址"),
                asked.body());
        assertEquals(0, fx.greenMail.getReceivedMessages().length == 0 ? 0
                : Arrays.stream(fx.greenMail.getReceivedMessages()).filter(MailboxTrustIT::toFreemail).count());
        // the confirmation is for exactly these addresses: another outside address asks again
        HttpResponse<String> changed = c.post("/compose", "csrf", token, "to", "other@freemail.example.org", "subject",
                "Re: 聚会改地点", "body", "好的", "inReplyTo", inReplyTo.group(1), "action", "send",
                "confirmOutside", "pay@freemail.example.org");
        assertTrue(changed.body().contains("id=\"outside-confirm\""), changed.body());
        HttpResponse<String> sent = c.post("/compose", "csrf", token, "to", "pay@freemail.example.org", "subject",
                "Re: 聚会改地点", "body", "好的", "inReplyTo", inReplyTo.group(1), "action", "send",
                "confirmOutside", "pay@freemail.example.org");
        assertEquals(303, sent.statusCode(), sent.body());
        await().atMost(Duration.ofSeconds(10)).until(() ->
                Arrays.stream(fx.greenMail.getReceivedMessages()).anyMatch(MailboxTrustIT::toFreemail));
    }

    static boolean toFreemail(MimeMessage m) {
        try {
            return Arrays.stream(m.getAllRecipients()).anyMatch(a -> a.toString().equals("pay@freemail.example.org"));
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void linksShowTheirRealHost() throws Exception {
        WebClient c = signedIn();
        String html = c.get("/mail/msg?f=" + q(TRUST) + "&uid=" + uidOf(c, TRUST, "Link test")).body();
        assertTrue(html.contains(">https://gov.city.test/refund</a><span class=\"link-host\"> (evil.example.net)</span>"), html);
    }

    @Test
    void originalDownloadsByteForByte() throws Exception {
        WebClient c = signedIn();
        HttpResponse<byte[]> eml = c.getBytes("/mail/eml?f=" + q(TRUST) + "&uid=" + uidOf(c, TRUST, "五月水费账单"));
        assertEquals(200, eml.statusCode());
        assertEquals("message/rfc822", eml.headers().firstValue("Content-Type").orElseThrow());
        assertTrue(eml.headers().firstValue("Content-Disposition").orElseThrow().startsWith("attachment; filename=\"message-"));
        assertArrayEquals(validRaw, eml.body());
    }

    @Test
    void deleteMoveAndMarkUnreadAreWhatImapSees() throws Exception {
        String folder = "操作";
        fx.append(USER, PW, folder, true, Mails.text("a@city.test", USER, "One", "1"),
                Mails.text("a@city.test", USER, "Two", "2"), Mails.text("a@city.test", USER, "Three", "3"));
        WebClient c = signedIn();
        String list = c.get("/mail?f=" + q(folder)).body();
        String token = WebClient.csrf(list);
        long one = uid(row(list, "One"));
        long two = uid(row(list, "Two"));
        long three = uid(row(list, "Three"));

        HttpResponse<String> unread = c.post("/mail/action", "csrf", token, "f", folder, "action", "unread",
                "uid", String.valueOf(one), "uid", String.valueOf(two));
        assertEquals(303, unread.statusCode());
        assertTrue(c.follow(unread).body().contains("已标为未读。"));
        assertEquals(2, Arrays.stream(fx.folder(USER, PW, folder)).filter(m -> !Mails.has(m, Flags.Flag.SEEN)).count());
        assertTrue(c.get("/mail").body().contains(">操作 <span class=\"count\">2<"), "unread count right at once");

        c.post("/mail/action", "csrf", token, "f", folder, "action", "move", "uid", String.valueOf(two), "target", TRUST);
        assertEquals(2, fx.folder(USER, PW, folder).length);
        assertTrue(Arrays.stream(fx.folder(USER, PW, TRUST)).anyMatch(m -> Mails.subject(m).equals("Two")));

        c.post("/mail/action", "csrf", token, "f", folder, "action", "delete", "uid", String.valueOf(three));
        assertEquals(1, fx.folder(USER, PW, folder).length);
        assertEquals("Three", Mails.subject(fx.folder(USER, PW, "Trash")[0]));
        long inTrash = uidOf(c, "Trash", "Three");
        c.post("/mail/action", "csrf", token, "f", "Trash", "action", "delete", "uid", String.valueOf(inTrash));
        assertEquals(0, fx.folder(USER, PW, "Trash").length, "deleting in Trash deletes for good");

        c.post("/mail/action", "csrf", token, "f", folder, "action", "delete", "uid", String.valueOf(one));
        assertEquals(1, fx.folder(USER, PW, "Trash").length);
        HttpResponse<String> emptied = c.post("/mail/action", "csrf", token, "f", "Trash", "action", "empty-trash");
        assertTrue(c.follow(emptied).body().contains("“已删除”已清空。"));
        assertEquals(0, fx.folder(USER, PW, "Trash").length);

        // attack: a forged form cannot move mail into a folder the account does not have
        HttpResponse<String> bad = c.post("/mail/action", "csrf", token, "f", TRUST, "action", "move",
                "uid", String.valueOf(uidOf(c, TRUST, "Two")), "target", "../../other-user/INBOX");
        assertEquals(400, bad.statusCode());
        assertEquals(403, c.post("/mail/action", "f", TRUST, "action", "delete", "uid", "1").statusCode());
    }

    @Test
    void reportMovesToJunkAndTellsTheCityAdministrators() throws Exception {
        fx.append(USER, PW, "举报测试", false, withServerVerdict(Mails.text("\"市税务局\" <x@tax.example.net>", USER,
                "Report me", "pay now"), "none", "display-name-impersonation"));
        WebClient c = signedIn();
        long uid = uidOf(c, "举报测试", "Report me");
        String page = c.get("/mail/msg?f=" + q("举报测试") + "&uid=" + uid).body();
        HttpResponse<String> r = c.post("/mail/action", "csrf", WebClient.csrf(page), "f", "举报测试", "uid",
                String.valueOf(uid), "action", "report", "from", "msg");
        assertEquals(303, r.statusCode());
        assertTrue(c.follow(r).body().contains("已举报"));
        assertEquals(0, fx.folder(USER, PW, "举报测试").length);
        assertEquals("Report me", Mails.subject(fx.folder(USER, PW, "Junk")[0]));
        await().atMost(Duration.ofSeconds(10)).until(() -> fx.folder(WebmailFixture.REPORT_ADDRESS, "abuse-pw", "INBOX").length == 1);
        Message notice = fx.folder(WebmailFixture.REPORT_ADDRESS, "abuse-pw", "INBOX")[0];
        assertTrue(notice.getSubject().contains("Report me"), notice.getSubject());
        Multipart parts = (Multipart) notice.getContent();
        assertTrue(parts.getBodyPart(1).isMimeType("message/rfc822"));
    }

    /** GB18030 headers are covered by HeaderFieldsTest: GreenMail itself turns non-UTF-8 header bytes into U+FFFD. */
    @Test
    void rawUtf8HeadersAreReadableInListAndView() throws Exception {
        String utf8 = "From: 杭州市民服务中心 <service@lookalike.example.net>\r\nTo: " + USER
                + "\r\nSubject: 关于汇算清缴的提醒\r\nDate: Mon, 1 Jun 2026 10:00:00 +0800\r\nMessage-ID: <u8@x>\r\n"
                + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n正文\r\n";
        fx.appendRaw(USER, PW, "八位", utf8.getBytes(StandardCharsets.UTF_8));
        WebClient c = signedIn();
        String list = c.get("/mail?f=" + q("八位")).body();
        assertTrue(row(list, "关于汇算清缴的提醒").contains("<span class=\"name\">杭州市民服务中心</span>"), list);
        String view = c.get("/mail/msg?f=" + q("八位") + "&uid=" + uid(row(list, "关于汇算清缴的提醒"))).body();
        assertTrue(view.contains(">关于汇算清缴的提醒</h1>") && view.contains("<span>杭州市民服务中心</span>"), view);
    }

    @Test
    void searchingAllFoldersFindsChineseWordsEverywhere() throws Exception {
        fx.append(USER, PW, "社保", false, Mails.text("si@gov.city.test", USER, "退税与社保缴费提醒", "请按时缴费。"));
        WebClient c = signedIn();
        String html = c.get("/mail?f=INBOX&q=" + q("退税") + "&all=1").body();
        assertTrue(html.contains("在所有文件夹中搜索“退税”"), html);
        String here = row(html, "【紧急】您有一笔退税待领取");
        assertTrue(here.contains("href=\"/mail/msg?f=" + q(TRUST) + "&uid="), here);
        String there = row(html, "退税与社保缴费提醒");
        assertTrue(there.contains("href=\"/mail/msg?f=" + q("社保") + "&uid=") && there.contains("<span class=\"in-folder\">社保</span>"), there);
        assertFalse(html.contains("name=\"uid\""), "no bulk actions on rows from several folders");
        assertFalse(html.contains(">五月水费账单</span>"), html);
    }

    @Test
    void unknownAddressGetsAChinesePage() throws Exception {
        HttpResponse<String> r = signedIn().get("/nope");
        assertEquals(404, r.statusCode());
        assertTrue(r.body().contains("找不到页面") && r.body().contains("您要找的页面不存在。"), r.body());
        assertFalse(r.body().contains("Endpoint"), r.body());
        HttpResponse<String> anon = new WebClient(fx.baseUrl()).get("/nope");
        assertTrue(anon.body().contains("找不到页面"), anon.body());
    }

    @Test
    void readingAMessageLowersTheUnreadCountOnTheVeryNextPage() throws Exception {
        String folder = "计数";
        fx.append(USER, PW, folder, false, Mails.text("a@city.test", USER, "Count one", "1"),
                Mails.text("a@city.test", USER, "Count two", "2"));
        WebClient c = signedIn();
        String before = c.get("/mail?f=" + q(folder)).body();
        assertTrue(before.contains(">计数 <span class=\"count\">2<"), before);
        // the folder counts are cached for 30 s; opening a message must not leave them stale
        assertEquals(200, c.get("/mail/msg?f=" + q(folder) + "&uid=" + uid(row(before, "Count one"))).statusCode());
        String after = c.get("/mail").body();
        assertTrue(after.contains(">计数 <span class=\"count\">1<"), after);
        assertEquals(1, Arrays.stream(fx.folder(USER, PW, folder)).filter(m -> !Mails.has(m, Flags.Flag.SEEN)).count(), "\\Seen set over IMAP");
    }

    @Test
    void flagAndBulkReadAreWhatImapSeesAndReplyAllKeepsTheOthers() throws Exception {
        String folder = "星标";
        MimeMessage many = Mails.text("boss@city.test", USER, "Many recipients", "hi all");
        many.setRecipients(Message.RecipientType.TO, USER + ", colleague@city.test");
        many.setRecipients(Message.RecipientType.CC, "team@city.test, " + USER);
        many.saveChanges();
        fx.append(USER, PW, folder, false, many, Mails.text("a@city.test", USER, "Second", "2"));
        WebClient c = signedIn();
        String list = c.get("/mail?f=" + q(folder)).body();
        String token = WebClient.csrf(list);
        long first = uid(row(list, "Many recipients"));
        long second = uid(row(list, "Second"));
        c.post("/mail/action", "csrf", token, "f", folder, "action", "flag", "uid", String.valueOf(first));
        assertTrue(Arrays.stream(fx.folder(USER, PW, folder)).filter(m -> Mails.has(m, Flags.Flag.FLAGGED)).map(Mails::subject)
                .toList().equals(java.util.List.of("Many recipients")), "exactly the chosen message is \\Flagged");
        assertTrue(row(c.get("/mail?f=" + q(folder)).body(), "Many recipients").contains("<span class=\"sr\">已加星标: </span>"));
        c.post("/mail/action", "csrf", token, "f", folder, "action", "read", "uid", String.valueOf(first),
                "uid", String.valueOf(second));
        assertEquals(0, Arrays.stream(fx.folder(USER, PW, folder)).filter(m -> !Mails.has(m, Flags.Flag.SEEN)).count(), "bulk read");
        c.post("/mail/action", "csrf", token, "f", folder, "action", "unflag", "uid", String.valueOf(first));
        assertEquals(0, Arrays.stream(fx.folder(USER, PW, folder)).filter(m -> Mails.has(m, Flags.Flag.FLAGGED)).count());
        String form = c.get("/compose?mode=replyall&f=" + q(folder) + "&uid=" + first).body();
        assertTrue(form.contains("value=\"boss@city.test, colleague@city.test\""), form);
        assertTrue(form.contains("value=\"team@city.test\""), "Cc kept, the reader left out: " + form);
    }

    @Test
    void attachmentSizesAreTheDecodedSizes() throws Exception {
        byte[] pdf = new byte[20_890]; // 20.4 KB; about 27.9 KB as base64 on the wire
        new java.util.Random(17).nextBytes(pdf);
        fx.append(USER, PW, "附件", false, Mails.withAttachments("a@city.test", USER, "Sized", "see attached",
                "statement.pdf", "application/pdf", pdf));
        WebClient c = signedIn();
        String html = c.get("/mail/msg?f=" + q("附件") + "&uid=" + uidOf(c, "附件", "Sized")).body();
        assertTrue(html.contains("<span class=\"type\">(application/pdf, 20.4 KB)</span>"), html);
        HttpResponse<byte[]> got = c.getBytes("/mail/att?f=" + q("附件") + "&uid=" + uidOf(c, "附件", "Sized") + "&n=0");
        assertArrayEquals(pdf, got.body());
    }

    @Test
    void theLookAlikeHasDeleteAtHandNotHiddenInMoreActions() throws Exception {
        WebClient c = signedIn();
        String html = c.get("/mail/msg?f=" + q(TRUST) + "&uid=" + uidOf(c, TRUST, "退税通知（看起来像官方）")).body();
        int delete = html.indexOf("id=\"delete\">删除</button>");
        assertTrue(delete > 0 && delete < html.indexOf("id=\"more-actions\""), html);
        assertTrue(html.indexOf("id=\"report\"") < html.indexOf("id=\"body\""), "report before the body");
    }

    @Test
    void inEnglishTheBadgesAreEnglishAndChineseContentIsMarkedLangZh() throws Exception {
        WebClient c = signedIn();
        String zh = c.get("/mail?f=" + q(TRUST)).body();
        assertTrue(row(zh, "Link test").contains("<span class=\"subj\" lang=\"en\">Link test</span>"), "English on a Chinese page");
        assertTrue(row(zh, "五月水费账单").contains("<span class=\"subj\">五月水费账单</span>"), "no lang where it is the page's own");
        c.get("/lang/en?back=/mail");
        String en = c.get("/mail?f=" + q(TRUST)).body();
        assertTrue(en.contains("<html lang=\"en\""), en);
        String valid = row(en, "五月水费账单");
        assertTrue(valid.contains("data-trust=\"verified\">✔ Verified · 市自来水公司</span>"), valid);
        assertTrue(valid.contains("<span class=\"subj\" lang=\"zh-CN\">五月水费账单</span>"), valid);
        String forged = row(en, "【紧急】您有一笔退税待领取");
        assertTrue(forged.contains("data-trust=\"unverified\">⚠ Not verified · claims to be official, not signed</span>"), forged);
        assertTrue(forged.contains("<span class=\"sr\">unread: </span>"), forged);
        assertTrue(row(en, "退税通知（看起来像官方）").contains("⚠ Not verified · uses an agency&#39;s name</span>")
                || row(en, "退税通知（看起来像官方）").contains("⚠ Not verified · uses an agency's name</span>"), en);
        String view = c.get("/mail/msg?f=" + q(TRUST) + "&uid=" + uidOf(c, TRUST, "五月水费账单")).body();
        assertTrue(view.contains("<h1 id=\"subject\" lang=\"zh-CN\">五月水费账单</h1>"), view);
        assertTrue(view.contains("id=\"body\" lang=\"zh-CN\">"), view);
        c.get("/lang/zh?back=/mail");
    }

    @Test
    void everyPageNamesTheFaviconAndItIsServed() throws Exception {
        String login = new WebClient(fx.baseUrl()).get("/login").body();
        assertTrue(login.contains("<link rel=\"icon\" href=\"/static/favicon.svg\" type=\"image/svg+xml\">"), login);
        assertTrue(signedIn().get("/mail").body().contains("<link rel=\"icon\" href=\"/static/favicon.svg\""));
        HttpResponse<String> icon = new WebClient(fx.baseUrl()).get("/static/favicon.svg");
        assertEquals(200, icon.statusCode());
        assertTrue(icon.headers().firstValue("Content-Type").orElseThrow().startsWith("image/svg+xml"));
        assertTrue(icon.body().startsWith("<svg") && icon.body().contains("</svg>"), icon.body());
    }

}

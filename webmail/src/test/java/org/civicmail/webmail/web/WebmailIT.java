package org.civicmail.webmail.web;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.Message;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.civicmail.verdict.revocation.RevocationSource;
import org.civicmail.verdict.revocation.RevocationStatus;
import org.civicmail.webmail.testkit.Mails;
import org.civicmail.webmail.testkit.TestPki;
import org.civicmail.webmail.testkit.WebClient;
import org.civicmail.webmail.testkit.WebmailFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The webmail against a real IMAP/SMTP server (GreenMail) with real S/MIME messages from a test CA. */
class WebmailIT {

    static final String USER = "citizen@city.test";
    static final String PW = "s3cret-pw";
    static WebmailFixture fx;
    static TestPki.Entity water;
    static TestPki.Entity revoked;

    @BeforeAll
    static void start() throws Exception {
        TestPki pki = TestPki.create("IT City");
        water = pki.person("billing@water.city.test", "王明", "市自来水公司");
        revoked = pki.person("notice@gov.city.test", "李华", "市民政局");
        RevocationSource revocation = (cert, issuer) -> cert.getSerialNumber().equals(revoked.cert().getSerialNumber())
                ? RevocationStatus.revoked(Instant.parse("2026-03-01T02:00:00Z"), "keyCompromise")
                : RevocationStatus.good();
        fx = new WebmailFixture(pki, revocation);
        fx.user(USER, PW);
        fx.user("throttled@city.test", "right-pw");
        for (int i = 1; i <= 23; i++) {
            fx.append(USER, PW, "INBOX", true, Mails.text("friend@city.test", USER, "Filler " + i, "text " + i));
        }
        fx.append(USER, PW, "账单", false,
                TestPki.signed(water, "billing@water.city.test", USER, "五月水费账单", "本月水费 42 元。", false, Instant.now()),
                TestPki.tamper(TestPki.signed(water, "billing@water.city.test", USER, "Tampered bill",
                        "Amount due: 100", false, Instant.now()), "Amount due: 100", "Amount due: 900"),
                TestPki.withHeader(TestPki.signed(revoked, "notice@gov.city.test", USER, "Revoked notice", "Hello",
                        false, Instant.now()), "X-CivicMail-Signature", "valid; signer=\"notice@gov.city.test\""),
                Mails.text("notice@gov.city.test", USER, "Fake official", "Pay 500 to account 123"),
                Mails.withAttachments("billing@water.city.test", USER, "Attachments", "see attached",
                        "水费账单.pdf", "application/pdf", "%PDF-1.4 test".getBytes(StandardCharsets.US_ASCII),
                        "../evil.html", "text/html", "<script>alert(1)</script>".getBytes(StandardCharsets.US_ASCII)),
                Mails.html("promo@shop.test", USER, "Newsletter", "<p>Hi</p><img src=\"https://tracker.test/p.gif\">"
                        + "<script>alert(1)</script>"));
    }

    @AfterAll
    static void stop() {
        fx.close();
    }

    private static WebClient signedIn() throws Exception {
        WebClient c = new WebClient(fx.baseUrl());
        HttpResponse<String> r = c.login(USER, PW);
        assertEquals(200, r.statusCode(), r.body());
        return c;
    }

    private static long uidOf(WebClient c, String folder, String subject) throws Exception {
        String html = c.get("/mail?f=" + java.net.URLEncoder.encode(folder, StandardCharsets.UTF_8)).body();
        Matcher m = Pattern.compile("id=\"open-(\\d+)\">(?:(?!</a>).)*?<span class=\"subj\"[^>]*>"
                + Pattern.quote(subject) + "</span>", Pattern.DOTALL).matcher(html);
        assertTrue(m.find(), "no '" + subject + "' in\n" + html);
        return Long.parseLong(m.group(1));
    }

    private static String message(WebClient c, String folder, String subject) throws Exception {
        return c.get("/mail/msg?f=" + java.net.URLEncoder.encode(folder, StandardCharsets.UTF_8) + "&uid="
                + uidOf(c, folder, subject)).body();
    }

    @Test
    void loginRotatesSessionAndSetsHardenedCookie() throws Exception {
        WebClient c = new WebClient(fx.baseUrl());
        HttpResponse<String> login = c.get("/login");
        String cookie = login.headers().firstValue("Set-Cookie").orElseThrow();
        assertTrue(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Secure"), cookie);
        // Before login there is no session at all (only the signed pre-login CSRF cookie).
        assertEquals(null, c.cookies().get(Http.SESSION_COOKIE));
        HttpResponse<String> r = c.post("/login", Map.of("csrf", WebClient.csrf(login.body()), "user", USER, "password", PW));
        assertEquals(303, r.statusCode());
        String session = r.headers().allValues("Set-Cookie").stream().filter(h -> h.startsWith(Http.SESSION_COOKIE + "="))
                .findFirst().orElseThrow();
        assertTrue(session.contains("HttpOnly") && session.contains("SameSite=Strict") && session.contains("Secure"), session);
        assertNotEquals(null, c.cookies().get(Http.SESSION_COOKIE));
        assertTrue(c.follow(r).body().contains("收件箱"));
    }

    @Test
    void everyPageHasStrictCsp() throws Exception {
        HttpResponse<String> r = new WebClient(fx.baseUrl()).get("/login");
        assertEquals("default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
                + "frame-ancestors 'none'; base-uri 'none'", r.headers().firstValue("Content-Security-Policy").orElseThrow());
        assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElseThrow());
    }

    @Test
    void wrongPasswordIsRefused() throws Exception {
        // Guessing is throttled by the mail server's one login policy (mail-server LoginThrottleIT); the webmail's
        // page for the server's "wait" answer is checked in SessionsIT.
        WebClient c = new WebClient(fx.baseUrl());
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> r = c.login("throttled@city.test", "guess" + i);
            assertEquals(401, r.statusCode());
            assertTrue(r.body().contains("邮箱地址或密码不正确。"));
        }
        assertEquals(303, c.post("/login", Map.of("csrf", WebClient.csrf(c.get("/login").body()),
                "user", "throttled@city.test", "password", "right-pw")).statusCode());
    }

    @Test
    void postWithoutCsrfTokenIsRefused() throws Exception {
        WebClient c = signedIn();
        HttpResponse<String> r = c.post("/logout", Map.of());
        assertEquals(403, r.statusCode());
        assertTrue(r.body().contains("表单已过期或来源不明"), r.body());
        HttpResponse<String> wrong = c.post("/compose", Map.of("csrf", "forged", "to", "x@city.test", "action", "send"));
        assertEquals(403, wrong.statusCode());
        assertEquals(200, c.get("/mail").statusCode(), "still signed in");
    }

    @Test
    void pagesNeedLogin() throws Exception {
        HttpResponse<String> r = new WebClient(fx.baseUrl()).get("/mail");
        assertEquals(303, r.statusCode());
        assertEquals("/login", r.headers().firstValue("Location").orElseThrow());
    }

    @Test
    void folderListHasBroadcastFoldersWithUnreadCountsAndEnglishNames() throws Exception {
        WebClient c = signedIn();
        String zh = c.get("/mail").body();
        assertTrue(zh.contains(">账单 <span class=\"count\""), zh);
        c.get("/lang/en?back=/mail");
        String en = c.get("/mail?f=%E8%B4%A6%E5%8D%95").body();
        assertTrue(en.contains(">Bills <span class=\"count\""), en);
        assertTrue(en.contains("class=\"row unread"), en);
        c.get("/lang/zh?back=/mail");
    }

    @Test
    void pagingNewestFirstAndSearch() throws Exception {
        WebClient c = signedIn();
        String p1 = c.get("/mail").body();
        assertTrue(p1.contains(">Filler 23<") && !p1.contains(">Filler 13<"), p1);
        assertTrue(p1.contains("第 1 / 3 页"));
        String p3 = c.get("/mail?f=INBOX&page=3").body();
        assertTrue(p3.contains(">Filler 1<") && p3.contains(">Filler 3<") && !p3.contains(">Filler 4<"), p3);
        String oldest = c.get("/mail?f=INBOX&order=asc").body();
        assertTrue(oldest.indexOf(">Filler 1<") < oldest.indexOf(">Filler 2<"));
        String found = c.get("/mail?f=INBOX&q=Filler+17").body();
        assertTrue(found.contains(">Filler 17<") && !found.contains(">Filler 16<"), found);
    }

    @Test
    void validSignedNoticeShowsSignerPanel() throws Exception {
        String html = message(signedIn(), "账单", "五月水费账单");
        assertTrue(html.contains("id=\"signature-panel\" data-state=\"valid\""), html);
        assertTrue(html.contains("<dt>签名人</dt><dd>王明</dd>"), html);
        assertTrue(html.contains("<dt>单位</dt><dd>市自来水公司</dd>"), html);
        assertTrue(html.contains("本月水费 42 元。"));
    }

    @Test
    void tamperedNoticeShowsReason() throws Exception {
        String html = message(signedIn(), "账单", "Tampered bill");
        assertTrue(html.contains("data-state=\"invalid\""), html);
        assertTrue(html.contains("<p class=\"reason\" id=\"signature-reason\">签名后内容被改动</p>"), html);
    }

    @Test
    void revokedCertificateShownWithDateAndServerDisagreement() throws Exception {
        String html = message(signedIn(), "账单", "Revoked notice");
        assertTrue(html.contains("证书已于 2026-03-01 吊销"), html);
        assertTrue(html.contains("邮件服务器的检查结果与本页不同：签名有效"), html);
    }

    @Test
    void unsignedOfficialSenderIsWarned() throws Exception {
        String html = message(signedIn(), "账单", "Fake official");
        assertTrue(html.contains("data-state=\"unsigned\""));
        assertTrue(html.contains("id=\"official-warning\""), html);
    }

    @Test
    void remoteImagesBlockedUntilAllowedAndScriptRemoved() throws Exception {
        WebClient c = signedIn();
        long uid = uidOf(c, "账单", "Newsletter");
        String base = "/mail/msg?f=%E8%B4%A6%E5%8D%95&uid=" + uid;
        HttpResponse<String> blocked = c.get(base);
        assertFalse(blocked.body().contains("tracker.test"));
        assertFalse(blocked.body().contains("alert(1)"));
        assertTrue(blocked.body().contains("id=\"allow-images\""));
        HttpResponse<String> allowed = c.get(base + "&images=1");
        assertTrue(allowed.body().contains("src=\"https://tracker.test/p.gif\""));
        assertTrue(allowed.headers().firstValue("Content-Security-Policy").orElseThrow().contains("img-src 'self' data: https: http:"));
    }

    @Test
    void attachmentsDownloadWithSafeNamesAndTypes() throws Exception {
        WebClient c = signedIn();
        long uid = uidOf(c, "账单", "Attachments");
        String page = c.get("/mail/msg?f=%E8%B4%A6%E5%8D%95&uid=" + uid).body();
        assertTrue(page.contains(">水费账单.pdf<") && page.contains(">evil.html<"), page);
        HttpResponse<byte[]> pdf = c.getBytes("/mail/att?f=%E8%B4%A6%E5%8D%95&uid=" + uid + "&n=0");
        assertEquals("application/pdf", pdf.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("inline; filename=\"____.pdf\"; filename*=UTF-8''%E6%B0%B4%E8%B4%B9%E8%B4%A6%E5%8D%95.pdf",
                pdf.headers().firstValue("Content-Disposition").orElseThrow());
        assertEquals("%PDF-1.4 test", new String(pdf.body(), StandardCharsets.US_ASCII));
        HttpResponse<byte[]> evil = c.getBytes("/mail/att?f=%E8%B4%A6%E5%8D%95&uid=" + uid + "&n=1");
        assertEquals("application/octet-stream", evil.headers().firstValue("Content-Type").orElseThrow());
        assertTrue(evil.headers().firstValue("Content-Disposition").orElseThrow().startsWith("attachment; filename=\"evil.html\""));
    }

    @Test
    void composeSendsThroughSubmissionAndSavesDrafts() throws Exception {
        fx.user("mayor12345@gov.city.test", "x");
        WebClient c = signedIn();
        long uid = uidOf(c, "账单", "Fake official");
        String form = c.get("/compose?mode=reply&f=%E8%B4%A6%E5%8D%95&uid=" + uid).body();
        assertTrue(form.contains("value=\"notice@gov.city.test\""), form);
        assertTrue(form.contains("value=\"Re: Fake official\""), form);
        String token = WebClient.csrf(form);
        HttpResponse<String> draft = c.post("/compose", Map.of("csrf", token, "to", "mayor12345@gov.city.test",
                "subject", "草稿主题", "body", "draft body", "action", "draft"));
        assertEquals(200, draft.statusCode(), draft.body());
        assertTrue(draft.body().contains("草稿已保存。"));
        assertEquals(1, fx.folder(USER, PW, "Drafts").length);
        long draftUid = uidOf(c, "Drafts", "草稿主题");
        assertTrue(c.get("/mail/msg?f=Drafts&uid=" + draftUid).body().contains("id=\"edit-draft\""));
        String reopened = c.get("/compose?mode=draft&f=Drafts&uid=" + draftUid).body();
        assertTrue(reopened.contains("value=\"草稿主题\"") && reopened.contains(">draft body</textarea>"), reopened);
        HttpResponse<String> sent = c.post("/compose", Map.of("csrf", token, "to", "mayor12345@gov.city.test",
                "subject", "关于供水的意见", "body", "您好，建议……", "action", "send"));
        assertEquals(303, sent.statusCode(), sent.body());
        await().atMost(Duration.ofSeconds(10)).until(() -> fx.folder("mayor12345@gov.city.test", "x", "INBOX").length == 1);
        Message got = fx.folder("mayor12345@gov.city.test", "x", "INBOX")[0];
        assertEquals("关于供水的意见", got.getSubject());
        assertEquals(USER, got.getFrom()[0].toString());
        HttpResponse<String> bad = c.post("/compose", Map.of("csrf", token, "to", "not an address", "subject", "x",
                "body", "y", "action", "send"));
        assertEquals(400, bad.statusCode());
        assertTrue(bad.body().contains("收件人地址无效：not an address"), bad.body());
    }

    @Test
    void logoutEndsSession() throws Exception {
        WebClient c = signedIn();
        String token = WebClient.csrf(c.get("/mail").body());
        assertEquals(303, c.post("/logout", Map.of("csrf", token)).statusCode());
        assertEquals(303, c.get("/mail").statusCode());
    }
}

package org.civicmail.webmail.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import org.civicmail.verdict.revocation.RevocationStatus;
import org.civicmail.webmail.testkit.Mails;
import org.civicmail.webmail.testkit.TestPki;
import org.civicmail.webmail.testkit.WebClient;
import org.civicmail.webmail.testkit.WebmailFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Failures a reader meets, each with its own fixture because the tests stop parts of GreenMail: a report whose
 * notice cannot be sent says so instead of claiming the administrators were told; and when the mail server goes
 * away under a signed-in session, the 500 page is in the reader's language, says what to do, and shows no stack
 * trace or Java class names.
 */
class ServerErrorPageIT {

    static final String USER = "error@city.test";
    static final String PW = "error-pw";
    WebmailFixture fx;

    @BeforeEach
    void start() throws Exception {
        fx = new WebmailFixture(TestPki.create("Error City"), (c, i) -> RevocationStatus.good());
        fx.user(USER, PW);
        fx.append(USER, PW, "INBOX", false, Mails.text("a@city.test", USER, "Hello", "hi"));
    }

    @AfterEach
    void stop() {
        fx.close();
    }

    @Test
    void aReportWhoseNoticeCannotBeSentDoesNotClaimTheAdministratorsWereTold() throws Exception {
        WebClient c = new WebClient(fx.baseUrl());
        assertEquals(200, c.login(USER, PW).statusCode());
        String list = c.get("/mail").body();
        java.util.regex.Matcher uid = java.util.regex.Pattern.compile("data-uid=\"(\\d+)\"").matcher(list);
        assertTrue(uid.find(), list);
        fx.greenMail.getSmtp().stopService(); // submission down, IMAP up: the move works, the notice cannot go
        HttpResponse<String> r = c.post("/mail/action", "csrf", WebClient.csrf(list), "f", "INBOX", "action", "report",
                "uid", uid.group(1));
        assertEquals(303, r.statusCode(), r.body());
        String page = c.follow(r).body();
        assertTrue(page.contains("邮件已移到“垃圾邮件”，但通知管理员没有成功。"), page);
        assertFalse(page.contains("已通知本市邮箱管理员"), page);
        assertEquals(1, fx.folder(USER, PW, "Junk").length);
    }

    @Test
    void whenTheMailServerIsGoneTheReaderGetsAChineseOrEnglish500Page() throws Exception {
        WebClient zh = new WebClient(fx.baseUrl());
        assertEquals(200, zh.login(USER, PW).statusCode());
        WebClient en = new WebClient(fx.baseUrl());
        assertEquals(200, en.login(USER, PW).statusCode());
        en.get("/lang/en?back=/mail");
        assertTrue(zh.get("/mail").body().contains(">Hello</span>"), "signed in and listing before the failure");

        fx.greenMail.stop();

        HttpResponse<String> r = zh.get("/mail?f=INBOX&page=1");
        assertEquals(500, r.statusCode(), r.body());
        assertTrue(r.body().contains("<h1>出错了</h1>"), r.body());
        assertTrue(r.body().contains("服务器出了问题，请稍后再试。如果一直出现，请联系管理员。"), r.body());
        assertTrue(r.body().contains("<html lang=\"zh-CN\""), r.body());
        assertFalse(r.body().matches("(?s).*(Exception|at org\\.|at java\\.|jakarta|GreenMail|Connection refused).*"),
                "no internals shown: " + r.body());
        HttpResponse<String> e = en.get("/mail?f=INBOX&page=1");
        assertEquals(500, e.statusCode(), e.body());
        assertTrue(e.body().contains("<h1>Something went wrong</h1>") && e.body().contains("contact the administrator"), e.body());
    }
}

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
 * The 500 page a reader meets when the mail server goes away under a signed-in session: in the reader's language,
 * saying what to do, with no stack trace or Java class names (its own fixture: the test stops the IMAP server).
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

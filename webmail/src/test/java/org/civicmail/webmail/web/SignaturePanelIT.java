package org.civicmail.webmail.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.civicmail.verdict.revocation.RevocationStatus;
import org.civicmail.webmail.testkit.TestPki;
import org.civicmail.webmail.testkit.WebClient;
import org.civicmail.webmail.testkit.WebmailFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The message page's signature panel on header protection (issue 11 point 3): a protected notice re-sent with a new
 * Subject and To is refused naming the fields; a signature without protection says in words what it does not cover.
 */
class SignaturePanelIT {
    static final String USER = "lin@city.test";
    static final String PW = "panel-pw-1";
    static WebmailFixture fx;

    @BeforeAll
    static void start() throws Exception {
        TestPki pki = TestPki.create("Panel City");
        TestPki.Entity tax = pki.person("tax-bureau@gov.city.test", "杭州市税务局", "杭州市税务局");
        fx = new WebmailFixture(pki, (c, i) -> RevocationStatus.good());
        fx.user(USER, PW);
        var notice = TestPki.signedProtected(tax, "tax-bureau@gov.city.test", USER, "2026 个税汇算通知", "请于12月31日前完成汇算。");
        // Attack (issue 11, Why 2): the same signed notice re-sent with a new Subject and To.
        var resent = TestPki.reheader(TestPki.reheader(notice, "Subject", "=?UTF-8?B?"
                + java.util.Base64.getEncoder().encodeToString("【紧急】退税请回复银行卡号".getBytes(StandardCharsets.UTF_8)) + "?="),
                "To", "victim@city.test");
        fx.append(USER, PW, "INBOX", false, notice, resent,
                TestPki.signed(tax, "tax-bureau@gov.city.test", USER, "Plain client notice", "no protection", false,
                        java.time.Instant.now()));
    }

    @AfterAll
    static void stop() {
        fx.close();
    }

    private static String message(String subject) throws Exception {
        WebClient c = new WebClient(fx.baseUrl());
        HttpResponse<String> login = c.login(USER, PW);
        assertEquals(200, login.statusCode(), login.body());
        String list = c.get("/mail?f=INBOX").body();
        Matcher m = Pattern.compile("id=\"open-(\\d+)\">(?:(?!</a>).)*?<span class=\"subj\"[^>]*>"
                + Pattern.quote(subject) + "</span>", Pattern.DOTALL).matcher(list);
        assertTrue(m.find(), "no '" + subject + "' in\n" + list);
        return c.get("/mail/msg?f=INBOX&uid=" + m.group(1)).body();
    }

    @Test
    void aProtectedNoticeIsValidWithoutNotes() throws Exception {
        String html = message("2026 个税汇算通知");
        assertTrue(html.contains("data-state=\"valid\""), html);
        assertFalse(html.contains("不在签名保护范围内"), html);
    }

    @Test
    void aReSentNoticeNamesTheChangedFields() throws Exception {
        String html = message("【紧急】退税请回复银行卡号");
        assertTrue(html.contains("data-state=\"invalid\""), html);
        assertTrue(html.contains("<p class=\"reason\" id=\"signature-reason\">签名后邮件头被改动：收件人、主题</p>"), html);
    }

    @Test
    void anUnprotectedSignatureSaysWhatItDoesNotCover() throws Exception {
        String html = message("Plain client notice");
        assertTrue(html.contains("data-state=\"valid\""), html);
        assertTrue(html.contains("主题和收件人不在签名保护范围内"), html);
    }
}

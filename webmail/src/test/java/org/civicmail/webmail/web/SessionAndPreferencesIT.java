package org.civicmail.webmail.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.Map;
import org.civicmail.webmail.config.WebmailConfig;
import org.civicmail.verdict.revocation.RevocationStatus;
import org.civicmail.webmail.testkit.TestPki;
import org.civicmail.webmail.testkit.WebClient;
import org.civicmail.webmail.testkit.WebmailFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Lapsed sessions return the reader to the page, drafts save themselves, large-text mode follows the account. */
class SessionAndPreferencesIT {

    static final String USER = "session@city.test";
    static final String PW = "session-pw";
    static WebmailFixture fx;
    static java.nio.file.Path prefs;

    @BeforeAll
    static void start() throws Exception {
        prefs = Files.createTempDirectory("webmail-prefs").resolve("preferences.properties");
        fx = new WebmailFixture(TestPki.create("Session City"), (c, i) -> RevocationStatus.good(),
                Map.of(WebmailConfig.PREFERENCES, prefs.toString()));
        fx.user(USER, PW);
        fx.append(USER, PW, "INBOX", true, org.civicmail.webmail.testkit.Mails.text("a@city.test", USER, "Hello", "hi"));
    }

    @AfterAll
    static void stop() {
        fx.close();
    }

    @Test
    void aLapsedSessionSaysSoAndSigningInReturnsToThePage() throws Exception {
        WebClient c = new WebClient(fx.baseUrl());
        c.cookies().put(Http.SESSION_COOKIE, "no-longer-known");
        HttpResponse<String> r = c.get("/mail?f=INBOX&page=1");
        assertEquals(303, r.statusCode());
        assertEquals("/login?back=%2Fmail%3Ff%3DINBOX%26page%3D1&expired=1", r.headers().firstValue("Location").orElseThrow());
        String login = c.follow(r).body();
        assertTrue(login.contains("您已超时，请重新登录"), login);
        assertTrue(login.contains("name=\"back\" value=\"/mail?f=INBOX&amp;page=1\""), login);
        HttpResponse<String> in = c.post("/login", "csrf", WebClient.csrf(login), "user", USER, "password", PW,
                "back", "/mail?f=INBOX&page=1");
        assertEquals("/mail?f=INBOX&page=1", in.headers().firstValue("Location").orElseThrow());
        // attack: the return address cannot send the reader to another site
        WebClient d = new WebClient(fx.baseUrl());
        String page = d.get("/login").body();
        HttpResponse<String> evil = d.post("/login", "csrf", WebClient.csrf(page), "user", USER, "password", PW,
                "back", "//evil.example/phish");
        assertEquals("/mail", evil.headers().firstValue("Location").orElseThrow());
    }

    @Test
    void composeAutosavesOneDraftAndSendingRemovesIt() throws Exception {
        WebClient c = new WebClient(fx.baseUrl());
        c.login(USER, PW);
        String token = WebClient.csrf(c.get("/compose").body());
        HttpResponse<String> first = c.post("/compose", "csrf", token, "to", "", "subject", "写到一半", "body", "第一段",
                "action", "autosave");
        assertEquals(200, first.statusCode(), first.body());
        long uid = Long.parseLong(first.body().trim());
        HttpResponse<String> second = c.post("/compose", "csrf", token, "to", "friend@city.test", "subject", "写到一半",
                "body", "第一段 第二段", "action", "autosave", "autosaved", String.valueOf(uid));
        assertTrue(Long.parseLong(second.body().trim()) > uid);
        assertEquals(1, fx.folder(USER, PW, "Drafts").length, "each autosave replaces the one before");
        assertEquals("第一段 第二段", ((String) fx.folder(USER, PW, "Drafts")[0].getContent()).trim());
        HttpResponse<String> sent = c.post("/compose", "csrf", token, "to", "friend@city.test", "subject", "写到一半",
                "body", "第一段 第二段", "action", "send", "autosaved", second.body().trim());
        assertEquals(303, sent.statusCode(), sent.body());
        assertEquals(0, fx.folder(USER, PW, "Drafts").length, "the autosaved draft goes once the letter is sent");
        assertEquals(204, c.get("/mail/ping").statusCode());
    }

    @Test
    void largeTextModeIsRememberedForTheAccount() throws Exception {
        WebClient c = new WebClient(fx.baseUrl());
        c.login(USER, PW);
        String page = c.get("/mail").body();
        assertFalse(page.contains("<html lang=\"zh-CN\" class=\"large\">"), page);
        HttpResponse<String> on = c.post("/prefs/large", "csrf", WebClient.csrf(page), "on", "1", "back", "/mail");
        assertEquals("/mail", on.headers().firstValue("Location").orElseThrow());
        assertTrue(c.get("/mail").body().contains("<html lang=\"zh-CN\" class=\"large\">"));
        assertTrue(Files.readString(prefs).contains("session@city.test.large-text=true"));
        WebClient other = new WebClient(fx.baseUrl());
        other.login(USER, PW);
        String elsewhere = other.get("/mail").body();
        assertTrue(elsewhere.contains("<html lang=\"zh-CN\" class=\"large\">"), "another browser, same account");
        assertTrue(elsewhere.contains("id=\"large-toggle\" aria-pressed=\"true\""), elsewhere);
        other.post("/prefs/large", "csrf", WebClient.csrf(elsewhere), "on", "0", "back", "/mail");
        assertFalse(c.get("/mail").body().contains("class=\"large\""));
        assertEquals(403, c.post("/prefs/large", "on", "1").statusCode());
    }
}

package org.civicmail.webmail.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.Store;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.civicmail.webmail.config.WebmailConfig;
import org.civicmail.webmail.imap.ImapConnector;
import org.civicmail.verdict.revocation.RevocationStatus;
import org.civicmail.webmail.testkit.TestPki;
import org.civicmail.webmail.testkit.WebClient;
import org.civicmail.webmail.testkit.WebmailFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Sessions exist only after login, are capped, and pre-login CSRF needs no server state. */
class SessionsIT {
    static final String ANNA = "anna@city.test";
    static final String BEN = "ben@city.test";
    static final String PW = "s3cret-pw";
    static WebmailFixture fx;

    @BeforeAll
    static void start() throws Exception {
        fx = new WebmailFixture(TestPki.create("Sessions City"), (c, i) -> RevocationStatus.good(),
                Map.of(WebmailConfig.SESSIONS_PER_ACCOUNT, "2", WebmailConfig.SESSIONS_TOTAL, "3"));
        fx.user(ANNA, PW);
        fx.user(BEN, PW);
    }

    @AfterAll
    static void stop() {
        fx.close();
    }

    @Test
    void twentyThousandCookielessLoginPagesLeaveTheSessionCountUnchanged() throws Exception {
        // Attack: fill the heap with anonymous sessions (each request without a cookie used to create one).
        int before = fx.webmail.liveSessions();
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest get = HttpRequest.newBuilder(URI.create(fx.baseUrl() + "/login")).GET().build();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> parts = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                parts.add(pool.submit(() -> {
                    int ok = 0;
                    for (int i = 0; i < 5_000; i++) {
                        if (http.send(get, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                            ok++;
                        }
                    }
                    return ok;
                }));
            }
            int ok = 0;
            for (Future<Integer> f : parts) {
                ok += f.get();
            }
            assertEquals(20_000, ok);
        } finally {
            pool.shutdownNow();
        }
        assertEquals(before, fx.webmail.liveSessions());
    }

    @Test
    void preLoginCsrfNeedsTheSignedCookieAndTheSameTokenInTheForm() throws Exception {
        WebClient c = new WebClient(fx.baseUrl());
        String token = WebClient.csrf(c.get("/login").body());
        // Attack: login CSRF from another site, whose request carries no cookie of ours.
        WebClient noCookie = new WebClient(fx.baseUrl());
        assertEquals(403, noCookie.post("/login", Map.of("csrf", token, "user", ANNA, "password", PW)).statusCode());
        // Attack: a forged token of the right shape, in both cookie and form (double submit without our key).
        WebClient forged = new WebClient(fx.baseUrl());
        forged.get("/login");
        String fake = token.substring(0, token.indexOf('.') + 1) + "A".repeat(43);
        forged.cookies().replaceAll((name, value) -> name.endsWith("cm_csrf") ? fake : value);
        assertEquals(403, forged.post("/login", Map.of("csrf", fake, "user", ANNA, "password", PW)).statusCode());
        assertEquals(303, c.post("/login", Map.of("csrf", token, "user", ANNA, "password", PW)).statusCode());
        c.post("/logout", Map.of("csrf", WebClient.csrf(c.get("/mail").body())));
    }

    @Test
    void sessionsAreCappedPerAccountAndInTotalOldestFirst() throws Exception {
        fx.webmail.endSessionsOf(ANNA);
        fx.webmail.endSessionsOf(BEN);
        WebClient anna1 = signedIn(ANNA);
        WebClient anna2 = signedIn(ANNA);
        WebClient anna3 = signedIn(ANNA);
        assertEquals(2, fx.webmail.liveSessions());
        assertEquals(303, anna1.get("/mail").statusCode(), "anna's oldest session was ended by her third login");
        assertEquals(200, anna2.get("/mail").statusCode());
        WebClient ben1 = signedIn(BEN);
        assertEquals(3, fx.webmail.liveSessions());
        anna3.get("/mail");
        WebClient ben2 = signedIn(BEN);
        assertEquals(3, fx.webmail.liveSessions());
        assertEquals(303, anna2.get("/mail").statusCode(), "the least recently used session went first");
        assertEquals(200, anna3.get("/mail").statusCode());
        assertEquals(200, ben1.get("/mail").statusCode());
        assertEquals(200, ben2.get("/mail").statusCode());
        // The mail server disabled anna: her sessions end at once.
        assertEquals(1, fx.webmail.endSessionsOf(ANNA));
        assertEquals(303, anna3.get("/mail").statusCode());
    }

    @Test
    void theServersWaitAnswerIsShownAsThrottledAndTheBrowserAddressIsPassedOn() throws Exception {
        AtomicReference<String> seenAddress = new AtomicReference<>();
        try (WebmailFixture stubbed = new WebmailFixture(TestPki.create("Throttle City"), (c, i) -> RevocationStatus.good(),
                Map.of(), config -> new ImapConnector(config, null) {
                    @Override
                    public Store connect(String user, String password, String clientAddress) throws MessagingException {
                        seenAddress.set(clientAddress);
                        throw new AuthenticationFailedException("[XTHROTTLED] LOGIN Too many failed logins for this "
                                + "account or from your address; try again in 8 seconds");
                    }
                })) {
            WebClient c = new WebClient(stubbed.baseUrl());
            HttpResponse<String> r = c.post("/login", Map.of("csrf", WebClient.csrf(c.get("/login").body()),
                    "user", ANNA, "password", PW));
            assertEquals(429, r.statusCode());
            assertTrue(r.body().contains("尝试次数过多，请稍后再试。"));
            assertEquals("127.0.0.1", seenAddress.get());
            assertEquals(0, stubbed.webmail.liveSessions());
        }
    }

    private static WebClient signedIn(String user) throws Exception {
        WebClient c = new WebClient(fx.baseUrl());
        HttpResponse<String> r = c.login(user, PW);
        assertEquals(200, r.statusCode(), r.body());
        return c;
    }

}

package org.civicmail.webmail.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {

    static final class MutableClock extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(java.time.ZoneId zone) { return this; }
        @Override public Instant instant() { return now; }
    }

    @Test
    void fiveFailuresLockTheAccountForTheWindow() {
        MutableClock clock = new MutableClock();
        LoginThrottle t = new LoginThrottle(5, 20, Duration.ofMinutes(15), clock);
        for (int i = 0; i < 5; i++) {
            assertTrue(t.allowed("A@city.test", "10.0.0.1"));
            t.failed("a@city.test", "10.0.0.1");
        }
        assertFalse(t.allowed("a@city.test", "10.0.0.2"), "account locked from any address");
        assertTrue(t.allowed("b@city.test", "10.0.0.1"));
        clock.now = clock.now.plus(Duration.ofMinutes(16));
        assertTrue(t.allowed("a@city.test", "10.0.0.1"));
    }

    @Test
    void purgeForgetsOldFailures() {
        MutableClock clock = new MutableClock();
        LoginThrottle t = new LoginThrottle(1, 20, Duration.ofMinutes(15), clock);
        t.failed("a@city.test", "10.0.0.1");
        clock.now = clock.now.plus(Duration.ofMinutes(16));
        t.purge();
        assertTrue(t.allowed("a@city.test", "10.0.0.1"));
    }

    @Test
    void oneAddressGuessingManyAccountsIsStopped() {
        LoginThrottle t = new LoginThrottle(5, 20, Duration.ofMinutes(15), new MutableClock());
        for (int i = 0; i < 20; i++) {
            t.failed("user" + i + "@city.test", "10.0.0.9");
        }
        assertFalse(t.allowed("fresh@city.test", "10.0.0.9"));
        assertTrue(t.allowed("fresh@city.test", "10.0.0.8"));
    }

    @Test
    void localPathRefusesOffSiteRedirects() {
        assertEquals("/mail?f=INBOX", AuthRoutes.localPath("/mail?f=INBOX"));
        assertEquals("/", AuthRoutes.localPath("//evil.example/"));
        assertEquals("/", AuthRoutes.localPath("https://evil.example/"));
        assertEquals("/", AuthRoutes.localPath("/\\evil.example"));
        assertEquals("/", AuthRoutes.localPath(null));
    }
}

package org.civicmail.login;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import org.civicmail.config.ConfigException;
import org.junit.jupiter.api.Test;

class LoginPolicyTest {
    static final String CITIZEN = "li.na@citizen.hangzhou.example";

    /** A clock the test moves by hand. */
    static final class ManualClock extends Clock {
        Instant now = Instant.parse("2026-11-30T08:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    final ManualClock clock = new ManualClock();
    final LoginPolicy policy = new LoginPolicy(new LoginPolicySettings(3, Duration.ofSeconds(1), Duration.ofSeconds(60),
        Duration.ofHours(1), Duration.ofDays(30)), clock);

    @Test
    void theWaitDoublesAfterTheFreeFailuresAndStopsAtTheCap() {
        // Attack: a guesser that waits exactly as long as told, over and over.
        List<Long> waits = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            LoginPolicy.Verdict v = policy.check(CITIZEN, "10.0.0.9");
            if (!v.allowed()) {
                waits.add(v.retryAfter().toSeconds());
                clock.advance(v.retryAfter());
            }
            assertThat(policy.check(CITIZEN, "10.0.0.9").allowed()).isTrue();
            policy.failed(CITIZEN, "10.0.0.9");
        }
        assertThat(waits).containsExactly(1L, 2L, 4L, 8L, 16L, 32L, 60L, 60L);
    }

    @Test
    void aThrottledClientIsToldHowLongToWaitAndIsLetInAfterwards() {
        for (int i = 0; i < 5; i++) {
            policy.failed(CITIZEN, "10.0.0.9");
        }
        LoginPolicy.Verdict v = policy.check(CITIZEN, "10.0.0.9");
        assertThat(v.allowed()).isFalse();
        assertThat(v.retryAfterSeconds()).isEqualTo(2);
        clock.advance(Duration.ofSeconds(2));
        assertThat(policy.check(CITIZEN, "10.0.0.9").allowed()).isTrue();
    }

    @Test
    void aGuesserElsewhereDoesNotKeepTheOwnerOutFromAnAddressTheOwnerUsedBefore() {
        // Attack: lock a citizen out by failing on purpose against her account.
        policy.succeeded(CITIZEN, "192.168.1.20");
        for (int i = 0; i < 20; i++) {
            policy.failed(CITIZEN, "10.0.0.9");
        }
        assertThat(policy.check(CITIZEN, "192.168.1.20").allowed()).isTrue();
        assertThat(policy.check(CITIZEN, "10.0.0.9").allowed()).isFalse();
        // A new address still meets the account's wait: guessing from many addresses is slowed too.
        assertThat(policy.check(CITIZEN, "10.0.0.10").allowed()).isFalse();
        assertThat(policy.check("someone.else@citizen.hangzhou.example", "10.0.0.10").allowed()).isTrue();
    }

    @Test
    void sprayingOnePasswordOverManyAccountsIsSlowedByTheAddress() {
        // Attack: one guess per account, many accounts, one address.
        for (int i = 0; i < 10; i++) {
            policy.failed("user" + i + "@citizen.hangzhou.example", "10.0.0.9");
        }
        assertThat(policy.check("fresh@citizen.hangzhou.example", "10.0.0.9").allowed()).isFalse();
    }

    @Test
    void failuresAreForgottenAfterAQuietHour() {
        for (int i = 0; i < 8; i++) {
            policy.failed(CITIZEN, "10.0.0.9");
        }
        clock.advance(Duration.ofMinutes(61));
        assertThat(policy.check(CITIZEN, "10.0.0.9").allowed()).isTrue();
        policy.failed(CITIZEN, "10.0.0.9");
        assertThat(policy.check(CITIZEN, "10.0.0.9").allowed()).isTrue();
    }

    @Test
    void inventedNamesCannotGrowMemoryWithoutBound() {
        // Attack: a flood of made-up account names from made-up addresses.
        for (int i = 0; i < LoginPolicy.MAX_ENTRIES + 5_000; i++) {
            policy.failed("nobody" + i + "@citizen.hangzhou.example", "10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255));
        }
        assertThat(policy.trackedRecords()).isLessThanOrEqualTo(2 * LoginPolicy.MAX_ENTRIES);
    }

    @Test
    void settingsAreParsedStrictly() {
        Properties p = new Properties();
        p.setProperty("civicmail.login.max-delay-seconds", "ten");
        assertThatThrownBy(() -> LoginPolicySettings.parse(p, "conf/civicmail.properties"))
            .isInstanceOf(ConfigException.class)
            .hasMessage("civicmail.login.max-delay-seconds = 'ten' in conf/civicmail.properties must be a whole number from 1 to 86400");
        Properties typo = new Properties();
        typo.setProperty("civicmail.login.max-delay", "10");
        assertThatThrownBy(() -> LoginPolicySettings.parse(typo, "conf/civicmail.properties"))
            .isInstanceOf(ConfigException.class)
            .hasMessageStartingWith("civicmail.login.max-delay in conf/civicmail.properties is not a known key");
        assertThat(LoginPolicySettings.parse(new Properties(), "x")).isEqualTo(LoginPolicySettings.DEFAULTS);
    }
}

package org.civicmail.login;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class RecentlyVerifiedPasswordsTest {
    static final String ALICE = "alice@citizen.hangzhou.example";
    static final String BOB = "bob@citizen.hangzhou.example";

    /** The repository's side: stored forms and the passwords they verify, and a log of every full check. */
    final Map<String, String> storedForm = new HashMap<>();
    final Map<String, String> password = new HashMap<>();
    final List<String> fullChecks = new ArrayList<>();
    final AtomicLong clock = new AtomicLong(1_000_000_000L);
    final RecentlyVerifiedPasswords recent = new RecentlyVerifiedPasswords(
        user -> Optional.ofNullable(storedForm.get(user)), clock::get);

    RecentlyVerifiedPasswordsTest() {
        setPassword(ALICE, "alice pass 1");
        setPassword(BOB, "bob pass 1");
    }

    void setPassword(String user, String pw) {
        password.put(user, pw);
        storedForm.put(user, "PBKDF2-SHA512:" + Integer.toHexString((user + pw).hashCode()));
    }

    boolean login(String user, String pw) {
        return recent.matches(user, pw, (u, p) -> {
            fullChecks.add(u + "/" + p);
            return p.equals(password.get(u));
        });
    }

    @Test
    void aSecondLoginWithTheSamePasswordSkipsTheFullCheck() {
        assertThat(login(ALICE, "alice pass 1")).isTrue();
        assertThat(login(ALICE, "alice pass 1")).isTrue();
        assertThat(login(ALICE, "alice pass 1")).isTrue();
        assertThat(fullChecks).containsExactly(ALICE + "/alice pass 1");
    }

    @Test
    void aWrongPasswordNeverPassesAfterTheRightOneWasRemembered() {
        assertThat(login(ALICE, "alice pass 1")).isTrue();
        // Attack: guessing against a warm entry — every guess goes to the full check and is refused.
        for (String guess : List.of("alice pass 2", "alice pass 1 ", "ALICE PASS 1", "", "alice pass")) {
            assertThat(login(ALICE, guess)).as(guess).isFalse();
        }
        assertThat(fullChecks).hasSize(6);
        assertThat(login(ALICE, "alice pass 1")).isTrue();
        assertThat(fullChecks).hasSize(6);
    }

    @Test
    void oneAccountsRememberedPasswordDoesNotOpenAnother() {
        assertThat(login(ALICE, "alice pass 1")).isTrue();
        // Attack: Alice's password (just remembered) tried on Bob's account.
        assertThat(login(BOB, "alice pass 1")).isFalse();
        assertThat(fullChecks).containsExactly(ALICE + "/alice pass 1", BOB + "/alice pass 1");
    }

    @Test
    void aChangedPasswordIsRefusedAtTheNextLoginNotAfterTheLifetime() {
        assertThat(login(ALICE, "alice pass 1")).isTrue();
        setPassword(ALICE, "alice pass 2");
        // Attack: the old password, still remembered from a moment ago, after the owner changed it.
        assertThat(login(ALICE, "alice pass 1")).isFalse();
        assertThat(login(ALICE, "alice pass 2")).isTrue();
        assertThat(fullChecks).containsExactly(ALICE + "/alice pass 1", ALICE + "/alice pass 1", ALICE + "/alice pass 2");
    }

    @Test
    void aRemovedAccountIsRefusedAtOnce() {
        assertThat(login(ALICE, "alice pass 1")).isTrue();
        storedForm.remove(ALICE);
        password.remove(ALICE);
        // Attack: the deleted account's password reused from a remembered verification.
        assertThat(login(ALICE, "alice pass 1")).isFalse();
        assertThat(fullChecks).hasSize(2);
    }

    @Test
    void aVerificationIsTrustedForTheLifetimeOnly() {
        assertThat(login(ALICE, "alice pass 1")).isTrue();
        clock.addAndGet(RecentlyVerifiedPasswords.LIFETIME.toNanos() - 1);
        assertThat(login(ALICE, "alice pass 1")).isTrue();
        assertThat(fullChecks).hasSize(1);
        clock.addAndGet(1);
        assertThat(login(ALICE, "alice pass 1")).isTrue();
        assertThat(fullChecks).hasSize(2);
    }

    @Test
    void withoutTheStoredFormEveryLoginTakesTheFullCheck() {
        storedForm.clear();
        assertThat(login(ALICE, "alice pass 1")).isTrue();
        assertThat(login(ALICE, "alice pass 1")).isTrue();
        assertThat(login(ALICE, "wrong")).isFalse();
        assertThat(fullChecks).hasSize(3);
        assertThat(recent.size()).isZero();
    }

    @Test
    void theTableStaysBounded() {
        // Attack: memory exhaustion by many accounts each signing in once.
        for (int i = 0; i < RecentlyVerifiedPasswords.CAPACITY + 50; i++) {
            String user = "u" + i + "@citizen.hangzhou.example";
            setPassword(user, "pw" + i);
            assertThat(login(user, "pw" + i)).isTrue();
        }
        assertThat(recent.size()).isEqualTo(RecentlyVerifiedPasswords.CAPACITY);
    }
}

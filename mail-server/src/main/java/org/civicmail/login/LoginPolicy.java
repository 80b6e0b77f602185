package org.civicmail.login;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The one throttle for password guessing, used by SMTP AUTH, IMAP LOGIN/AUTHENTICATE and (through IMAP) the
 * webmail. Failures are counted per account and per client address; after {@code freeFailures} of them the next
 * attempt must wait, and the wait doubles with every further failure up to {@code maxDelay}. There is no
 * lock-out: once the wait has passed one more try is allowed. An address that signed in to an account before is
 * not held back by that account's failures, so a guesser elsewhere cannot keep the owner out.
 *
 * <p>Memory stays bounded under a flood of invented names and addresses: each table keeps at most
 * {@link #MAX_ENTRIES} records and drops the least recently touched. Thread-safe (one lock; every operation is a
 * few map look-ups).
 */
public final class LoginPolicy {
    static final int MAX_ENTRIES = 100_000;
    private static final int KNOWN_ADDRESSES_PER_ACCOUNT = 16;

    /** Whether an attempt may go ahead; when not, how long the client should wait. */
    public record Verdict(boolean allowed, Duration retryAfter) {
        static final Verdict ALLOW = new Verdict(true, Duration.ZERO);

        /** Whole seconds, rounded up, for the reply text. */
        public long retryAfterSeconds() {
            return Math.max(1, (retryAfter.toMillis() + 999) / 1000);
        }
    }

    private static final class Failures {
        int count;
        Instant last;
    }

    private final LoginPolicySettings settings;
    private final Clock clock;
    private final Map<String, Failures> byAccount = lru(MAX_ENTRIES);
    private final Map<String, Failures> byAddress = lru(MAX_ENTRIES);
    private final Map<String, Map<String, Instant>> knownAddresses = lru(MAX_ENTRIES);

    public LoginPolicy(LoginPolicySettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    public LoginPolicySettings settings() {
        return settings;
    }

    /** Asked before the password is checked: a throttled attempt is answered without looking at the password. */
    public synchronized Verdict check(String account, String address) {
        Instant now = clock.instant();
        Duration wait = waitFor(byAddress.get(address), now);
        if (!isKnown(norm(account), address, now)) {
            Duration accountWait = waitFor(byAccount.get(norm(account)), now);
            wait = accountWait.compareTo(wait) > 0 ? accountWait : wait;
        }
        return wait.isZero() ? Verdict.ALLOW : new Verdict(false, wait);
    }

    public synchronized void failed(String account, String address) {
        Instant now = clock.instant();
        count(byAccount, norm(account), now);
        count(byAddress, address, now);
    }

    /** The account's and the address's records start again; the address becomes known for the account. */
    public synchronized void succeeded(String account, String address) {
        String key = norm(account);
        byAccount.remove(key);
        byAddress.remove(address);
        if (!settings.knownAddressFor().isZero()) {
            knownAddresses.computeIfAbsent(key, k -> lru(KNOWN_ADDRESSES_PER_ACCOUNT)).put(address, clock.instant());
        }
    }

    /** Records currently held (for tests and the memory bound). */
    public synchronized int trackedRecords() {
        return byAccount.size() + byAddress.size();
    }

    private boolean isKnown(String account, String address, Instant now) {
        Map<String, Instant> known = knownAddresses.get(account);
        Instant since = known == null ? null : known.get(address);
        return since != null && since.plus(settings.knownAddressFor()).isAfter(now);
    }

    private void count(Map<String, Failures> table, String key, Instant now) {
        Failures f = table.get(key);
        if (f == null || forgotten(f, now)) {
            f = new Failures();
            table.put(key, f);
        }
        f.count++;
        f.last = now;
    }

    private Duration waitFor(Failures f, Instant now) {
        if (f == null || forgotten(f, now) || f.count <= settings.freeFailures()) {
            return Duration.ZERO;
        }
        Duration delay = delayAfter(f.count);
        Duration left = Duration.between(now, f.last.plus(delay));
        return left.isNegative() ? Duration.ZERO : left;
    }

    /** firstDelay × 2^(failures beyond the free ones − 1), capped at maxDelay. */
    Duration delayAfter(int failures) {
        int doublings = Math.min(failures - settings.freeFailures() - 1, 40);
        Duration delay = settings.firstDelay().multipliedBy(1L << doublings);
        return delay.compareTo(settings.maxDelay()) > 0 ? settings.maxDelay() : delay;
    }

    private boolean forgotten(Failures f, Instant now) {
        return f.last.plus(settings.forgetAfter()).isBefore(now);
    }

    private static String norm(String account) {
        return account == null ? "" : account.trim().toLowerCase(Locale.ROOT);
    }

    private static <V> Map<String, V> lru(int max) {
        return new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > max;
            }
        };
    }
}

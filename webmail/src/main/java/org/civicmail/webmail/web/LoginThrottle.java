package org.civicmail.webmail.web;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows password guessing: at most {@code perAccount} failures per account and {@code perAddress} per client
 * address within {@code window}; beyond that, logins are refused without asking the IMAP server. Thread-safe.
 */
public final class LoginThrottle {

    private final int perAccount;
    private final int perAddress;
    private final Duration window;
    private final Clock clock;
    private final Map<String, Deque<Instant>> failures = new ConcurrentHashMap<>();

    public LoginThrottle(int perAccount, int perAddress, Duration window, Clock clock) {
        this.perAccount = perAccount;
        this.perAddress = perAddress;
        this.window = window;
        this.clock = clock;
    }

    public static LoginThrottle standard(Clock clock) {
        return new LoginThrottle(5, 20, Duration.ofMinutes(15), clock);
    }

    public boolean allowed(String account, String address) {
        return count("u:" + norm(account)) < perAccount && count("a:" + address) < perAddress;
    }

    public void failed(String account, String address) {
        add("u:" + norm(account));
        add("a:" + address);
    }

    public void succeeded(String account) {
        failures.remove("u:" + norm(account));
    }

    private static String norm(String account) {
        return account == null ? "" : account.trim().toLowerCase(Locale.ROOT);
    }

    /** Forgets keys whose failures have all aged out, so guessed user names do not pile up in memory. */
    public void purge() {
        failures.entrySet().removeIf(e -> {
            synchronized (e.getValue()) {
                prune(e.getValue());
                return e.getValue().isEmpty();
            }
        });
    }

    private int count(String key) {
        Deque<Instant> d = failures.get(key);
        if (d == null) {
            return 0;
        }
        synchronized (d) {
            prune(d);
            return d.size();
        }
    }

    private void add(String key) {
        Deque<Instant> d = failures.computeIfAbsent(key, k -> new ArrayDeque<>());
        synchronized (d) {
            prune(d);
            d.addLast(clock.instant());
        }
    }

    private void prune(Deque<Instant> d) {
        Instant cutoff = clock.instant().minus(window);
        while (!d.isEmpty() && !d.peekFirst().isAfter(cutoff)) {
            d.removeFirst();
        }
    }
}

package org.civicmail.login;

import java.time.Duration;
import java.util.Properties;
import java.util.Set;

import org.civicmail.config.ConfigException;

/**
 * The login throttle's settings, read once from {@code civicmail.properties}. Every {@code civicmail.login.*} key
 * is checked: an unknown key or a bad value stops the start with a message naming the key.
 *
 * @param freeFailures   failures (per account, per client address) answered without any wait
 * @param firstDelay     wait after the first failure beyond the free ones; doubles with each further failure
 * @param maxDelay       the wait never grows beyond this: there is no lock-out, only a slower pace
 * @param forgetAfter    a record with no new failure for this long is forgotten
 * @param knownAddressFor a client address that signed in to an account stays exempt from that account's wait this long
 */
public record LoginPolicySettings(int freeFailures, Duration firstDelay, Duration maxDelay, Duration forgetAfter,
                                  Duration knownAddressFor) {
    public static final String PREFIX = "civicmail.login.";
    public static final String FREE_FAILURES = PREFIX + "free-failures";
    public static final String FIRST_DELAY = PREFIX + "first-delay-seconds";
    public static final String MAX_DELAY = PREFIX + "max-delay-seconds";
    public static final String FORGET_AFTER = PREFIX + "forget-after-seconds";
    public static final String KNOWN_ADDRESS_DAYS = PREFIX + "known-address-days";
    private static final Set<String> KEYS = Set.of(FREE_FAILURES, FIRST_DELAY, MAX_DELAY, FORGET_AFTER, KNOWN_ADDRESS_DAYS);

    public static final LoginPolicySettings DEFAULTS = new LoginPolicySettings(3, Duration.ofSeconds(1),
        Duration.ofMinutes(15), Duration.ofHours(1), Duration.ofDays(30));

    public LoginPolicySettings {
        if (firstDelay.isZero() || firstDelay.compareTo(maxDelay) > 0) {
            throw new ConfigException(FIRST_DELAY + " must be at least 1 and not above " + MAX_DELAY);
        }
        if (forgetAfter.compareTo(maxDelay) < 0) {
            throw new ConfigException(FORGET_AFTER + " must not be below " + MAX_DELAY
                + ", or the wait would be forgotten before it ends");
        }
    }

    /** Reads the {@code civicmail.login.*} keys of {@code p}; absent keys take the defaults. */
    public static LoginPolicySettings parse(Properties p, String file) {
        for (String key : p.stringPropertyNames()) {
            if (key.startsWith(PREFIX) && !KEYS.contains(key)) {
                throw new ConfigException(key + " in " + file + " is not a known key; the login keys are "
                    + String.join(", ", KEYS.stream().sorted().toList()));
            }
        }
        return new LoginPolicySettings(
            (int) number(p, file, FREE_FAILURES, DEFAULTS.freeFailures, 0, 1000),
            Duration.ofSeconds(number(p, file, FIRST_DELAY, DEFAULTS.firstDelay.toSeconds(), 1, 86_400)),
            Duration.ofSeconds(number(p, file, MAX_DELAY, DEFAULTS.maxDelay.toSeconds(), 1, 86_400)),
            Duration.ofSeconds(number(p, file, FORGET_AFTER, DEFAULTS.forgetAfter.toSeconds(), 1, 30L * 86_400)),
            Duration.ofDays(number(p, file, KNOWN_ADDRESS_DAYS, DEFAULTS.knownAddressFor.toDays(), 0, 3650)));
    }

    private static long number(Properties p, String file, String key, long fallback, long min, long max) {
        String raw = p.getProperty(key);
        if (raw == null) {
            return fallback;
        }
        try {
            long value = Long.parseLong(raw.trim());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigException(key + " = '" + raw + "' in " + file + " must be a whole number from " + min + " to " + max);
    }
}

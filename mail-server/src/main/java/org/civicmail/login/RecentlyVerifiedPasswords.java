package org.civicmail.login;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.inject.Inject;
import javax.inject.Singleton;

/**
 * Remembers for a few minutes that a password was verified for an account, so that a client which signs in again
 * and again (a sender that opens an SMTP session per batch, a mail client's IMAP connections) pays the stored
 * password's PBKDF2 (tens of ms of CPU, on purpose) once and not at every login.
 *
 * <p>What is kept is not the password: per account, one HMAC-SHA256 under a random key that exists only in this
 * process's memory (never written anywhere) over the account, the password and the account's stored password hash
 * ({@link StoredPasswords}), with an expiry. A login matches only when all three are the same as at the remembered
 * full check, so
 * <ul>
 *   <li>a wrong password never matches (it goes to the full check, which refuses it, throttle and delay included);</li>
 *   <li>a changed password (by any path: the stored hash is read again at every login) or a removed account
 *       matches nothing from then on;</li>
 *   <li>a disabled account is not this class's business: {@link AccountLogin} checks the account's state after the
 *       password, at every login.</li>
 * </ul>
 * The hashing at rest is unchanged. What this adds is in memory only: someone who can read the server's memory gets,
 * for the accounts that signed in during the last {@link #LIFETIME}, values they could test password guesses against
 * at HMAC speed instead of PBKDF2 speed. Such a reader also sees the passwords themselves as they arrive in SMTP AUTH
 * and IMAP LOGIN buffers, so the lifetime is kept short and the table small rather than the idea refused.
 * When the stored form cannot be read, nothing is remembered. Thread-safe (one lock around a small map).
 */
@Singleton
public final class RecentlyVerifiedPasswords {
    /** How long one full check is trusted; a changed password does not wait for it (see above). */
    static final Duration LIFETIME = Duration.ofMinutes(5);
    /** Accounts remembered at most; the least recently used one is forgotten first. */
    static final int CAPACITY = 10_000;

    /** The full check (James's users repository: PBKDF2 over the stored salt). */
    @FunctionalInterface
    public interface FullCheck {
        boolean matches(String user, String password);
    }

    private record Verified(byte[] proof, long expiresAtNanos) { }

    private final StoredPasswords stored;
    private final LongSupplier nanoTime;
    private final SecretKeySpec key;
    private final Map<String, Verified> verified = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Verified> eldest) {
            return size() > CAPACITY;
        }
    };

    @Inject
    public RecentlyVerifiedPasswords(JamesUserTable stored) {
        this(stored, System::nanoTime);
    }

    RecentlyVerifiedPasswords(StoredPasswords stored, LongSupplier nanoTime) {
        this.stored = stored;
        this.nanoTime = nanoTime;
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        this.key = new SecretKeySpec(secret, "HmacSHA256");
    }

    /** Whether {@code password} is {@code user}'s: remembered from a full check a moment ago, else by {@code fullCheck}. */
    public boolean matches(String user, String password, FullCheck fullCheck) {
        Optional<String> storedForm = stored.current(user);
        if (storedForm.isEmpty()) {
            return fullCheck.matches(user, password);
        }
        byte[] proof = proof(user, password, storedForm.get());
        long now = nanoTime.getAsLong();
        Verified known;
        synchronized (verified) {
            known = verified.get(user);
        }
        if (known != null && known.expiresAtNanos() - now > 0 && MessageDigest.isEqual(known.proof(), proof)) {
            return true;
        }
        if (!fullCheck.matches(user, password)) {
            return false;
        }
        // The stored form was read before the full check: had the password changed in between, the proof holds the
        // old form and matches no later login.
        synchronized (verified) {
            verified.put(user, new Verified(proof, now + LIFETIME.toNanos()));
        }
        return true;
    }

    /** Accounts currently remembered (for tests). */
    int size() {
        synchronized (verified) {
            return verified.size();
        }
    }

    private byte[] proof(String user, String password, String storedForm) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            // Lengths first, so that no two different triples give the same input.
            for (String part : new String[] {user, password, storedForm}) {
                byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
                mac.update(new byte[] {(byte) (bytes.length >>> 24), (byte) (bytes.length >>> 16),
                    (byte) (bytes.length >>> 8), (byte) bytes.length});
                mac.update(bytes);
            }
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java 17 runtime", e);
        }
    }
}

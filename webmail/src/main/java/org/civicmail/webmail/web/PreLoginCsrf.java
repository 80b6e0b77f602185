package org.civicmail.webmail.web;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * CSRF protection before login without a stored session (signed double submit): the token is a random nonce
 * and its time, MACed with a key that lives only in this process; it goes to the browser as a cookie and in the
 * form, and a login POST must carry the same valid, unexpired token in both. The server keeps nothing per
 * visitor. A restart invalidates the open login forms (they are simply shown again). Thread-safe.
 */
public final class PreLoginCsrf {
    static final Duration LIFETIME = Duration.ofHours(2);
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final SecureRandom random = new SecureRandom();
    private final byte[] key = new byte[32];
    private final Clock clock;

    public PreLoginCsrf(Clock clock) {
        this.clock = clock;
        random.nextBytes(key);
    }

    /** A fresh token. */
    public String mint() {
        ByteBuffer payload = ByteBuffer.allocate(24);
        byte[] nonce = new byte[16];
        random.nextBytes(nonce);
        payload.put(nonce).putLong(clock.instant().getEpochSecond());
        return B64.encodeToString(payload.array()) + "." + B64.encodeToString(mac(payload.array()));
    }

    /** Made by this process, not altered, not older than {@link #LIFETIME}. */
    public boolean valid(String token) {
        if (token == null || token.length() > 100) {
            return false;
        }
        int dot = token.indexOf('.');
        if (dot < 0) {
            return false;
        }
        try {
            byte[] payload = Base64.getUrlDecoder().decode(token.substring(0, dot));
            byte[] tag = Base64.getUrlDecoder().decode(token.substring(dot + 1));
            if (payload.length != 24 || !MessageDigest.isEqual(tag, mac(payload))) {
                return false;
            }
            Instant issued = Instant.ofEpochSecond(ByteBuffer.wrap(payload, 16, 8).getLong());
            Instant now = clock.instant();
            return !issued.isAfter(now.plusSeconds(60)) && issued.plus(LIFETIME).isAfter(now);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The cookie and the form carry the same token, and it is valid. */
    public boolean matches(String cookie, String posted) {
        return cookie != null && posted != null && valid(cookie)
                && MessageDigest.isEqual(cookie.getBytes(StandardCharsets.US_ASCII), posted.getBytes(StandardCharsets.US_ASCII));
    }

    private byte[] mac(byte[] payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(payload);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}

package org.civicmail.ca.audit;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals the audit chain's head: an HMAC-SHA-256 over an entry's sequence number and hash, under a
 * key derived from the CA passphrase at unlock. The hash chain shows that no entry before a
 * sealed one changed; the seal shows that the chain was written by someone holding the key, so
 * rewriting the whole log and its recorded head (which needs only write access to the data
 * directory) is detected. Thread-safe.
 */
public final class AuditSeal {
    private static final String ENTRY = "civicmail-audit-entry-v1|";
    private static final String CHECKPOINT = "civicmail-audit-checkpoint-v1|";

    private final SecretKeySpec key;

    /** {@code key}: 32 secret bytes; the caller keeps no other copy it does not need. */
    public AuditSeal(byte[] key) {
        this.key = new SecretKeySpec(key, "HmacSHA256");
    }

    /** The seal of entry {@code sequence} whose hash is {@code hash} (hex). */
    public String entry(long sequence, String hash) {
        return hmac(ENTRY + sequence + "|" + hash);
    }

    /** The seal of an exported checkpoint. */
    public String checkpoint(long sequence, String hash, String time) {
        return hmac(CHECKPOINT + sequence + "|" + hash + "|" + time);
    }

    /** Constant-time comparison of a seal read from disk with the expected one. */
    static boolean matches(String expected, String found) {
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), found.getBytes(StandardCharsets.US_ASCII));
    }

    private String hmac(String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return HexFormat.of().formatHex(mac.doFinal(data.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    @Override
    public String toString() {
        return "AuditSeal[key hidden]";
    }
}

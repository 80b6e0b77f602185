package org.civicmail.login;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * A random secret made at every start and handed to the webmail (through its environment only). With it the
 * webmail tells IMAP which browser address a login comes from, so the throttle counts the browser's address and
 * not the webmail's own loopback address. Without it a client's claim about its address is ignored.
 */
public final class FrontEndKey {
    private final byte[] key;

    private FrontEndKey(byte[] key) {
        this.key = key;
    }

    public static FrontEndKey random() {
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        return new FrontEndKey(HexFormat.of().formatHex(b).getBytes(StandardCharsets.US_ASCII));
    }

    public boolean matches(String presented) {
        return presented != null && MessageDigest.isEqual(key, presented.getBytes(StandardCharsets.US_ASCII));
    }

    /** The secret itself, for the webmail's environment. Never log it. */
    public String value() {
        return new String(key, StandardCharsets.US_ASCII);
    }

    @Override
    public String toString() {
        return "FrontEndKey[hidden]";
    }
}

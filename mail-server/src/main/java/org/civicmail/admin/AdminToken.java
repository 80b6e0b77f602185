package org.civicmail.admin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;

import org.civicmail.server.SecretFiles;

/** The admin API's shared secret, {@code DATA/admin.token}, readable by the owner only. */
public final class AdminToken {
    private AdminToken() {
    }

    public static String readOrCreate(Path file) throws IOException {
        return SecretFiles.readOrCreateRandom(file, 32);
    }

    public static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.US_ASCII).trim();
    }

    static boolean matches(String expected, String presented) {
        return presented != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
            presented.getBytes(StandardCharsets.US_ASCII));
    }
}

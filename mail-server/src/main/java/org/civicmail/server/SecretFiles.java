package org.civicmail.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Files that hold secrets (tokens, generated passwords, key stores): written whole or not at all (temporary
 * file, then an atomic rename) and readable by the owner only.
 */
public final class SecretFiles {
    private static final SecureRandom RANDOM = new SecureRandom();

    private SecretFiles() {
    }

    public static void write(Path file, byte[] content) throws IOException {
        DataDirectory.createOwnerOnlyDirectory(file.toAbsolutePath().getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        // Owner-only from its creation: never a moment in which another user could open it, whatever the umask.
        try {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            // Non-POSIX file system: the data directory's own permissions must protect it.
            Files.createFile(tmp);
        }
        Files.write(tmp, content);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** The secret in {@code file}, created first as {@code bytes} random bytes (base64url) if the file is missing. */
    public static String readOrCreateRandom(Path file, int bytes) throws IOException {
        if (!Files.exists(file)) {
            byte[] random = new byte[bytes];
            RANDOM.nextBytes(random);
            write(file, Base64.getUrlEncoder().withoutPadding().encodeToString(random).getBytes(StandardCharsets.US_ASCII));
        }
        return Files.readString(file, StandardCharsets.US_ASCII).trim();
    }
}

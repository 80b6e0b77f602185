package org.civicmail.server.authority;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

import org.civicmail.ca.PassphraseSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the CA key passphrase comes from. Production: {@code CIVICMAIL_CA_PASSPHRASE} or
 * {@code CIVICMAIL_CA_PASSPHRASE_FILE} (the CA refuses to start without one). {@code start --demo} without
 * either keeps a generated passphrase in {@code DATA/ca/demo-passphrase} so one command runs the system; that
 * file protects nothing against someone who can read the data directory, and the start-up says so.
 */
public final class CaPassphrase {
    private static final Logger LOG = LoggerFactory.getLogger(CaPassphrase.class);

    private CaPassphrase() {
    }

    public static PassphraseSource resolve(Path caHome, boolean demo) throws IOException {
        boolean configured = System.getenv(PassphraseSource.ENV_PASSPHRASE) != null
            || System.getenv(PassphraseSource.ENV_PASSPHRASE_FILE) != null;
        Path demoFile = caHome.resolve("demo-passphrase");
        if (configured || (!demo && !Files.exists(demoFile))) {
            return PassphraseSource.fromEnvironment();
        }
        if (!Files.exists(demoFile)) {
            byte[] random = new byte[24];
            new SecureRandom().nextBytes(random);
            Files.createDirectories(caHome);
            Path tmp = demoFile.resolveSibling("demo-passphrase.tmp");
            Files.writeString(tmp, Base64.getUrlEncoder().withoutPadding().encodeToString(random), StandardCharsets.US_ASCII);
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // Non-POSIX file system.
            }
            Files.move(tmp, demoFile, StandardCopyOption.ATOMIC_MOVE);
        }
        LOG.warn("DEMO: the CA key passphrase is kept in {}; for real use set {} or {} and delete that file",
            demoFile, PassphraseSource.ENV_PASSPHRASE, PassphraseSource.ENV_PASSPHRASE_FILE);
        return PassphraseSource.of(Files.readString(demoFile, StandardCharsets.US_ASCII).trim().toCharArray());
    }
}

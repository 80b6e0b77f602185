package org.civicmail.server.authority;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.civicmail.ca.PassphraseSource;
import org.civicmail.server.SecretFiles;
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
        String passphrase = SecretFiles.readOrCreateRandom(demoFile, 24);
        LOG.warn("DEMO: the CA key passphrase is kept in {}; for real use set {} or {} and delete that file",
            demoFile, PassphraseSource.ENV_PASSPHRASE, PassphraseSource.ENV_PASSPHRASE_FILE);
        return PassphraseSource.of(passphrase.toCharArray());
    }
}

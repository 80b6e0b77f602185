package org.civicmail.authority;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.civicmail.ca.MissingPassphraseException;
import org.civicmail.ca.PassphraseSource;
import org.civicmail.server.SecretFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the CA key passphrase comes from. Production: {@code CIVICMAIL_CA_PASSPHRASE} or
 * {@code CIVICMAIL_CA_PASSPHRASE_FILE} (the CA refuses to start without one). {@code start --demo} without
 * either keeps a generated passphrase in {@code DATA/ca/demo-passphrase} so one command runs the system; that
 * file protects nothing against someone who can read the data directory, and the start-up says so. Without
 * {@code --demo} that file is never used silently: a start (or an offline command) that finds it and no
 * configured passphrase is refused, so a demo data directory cannot quietly become a production one.
 */
public final class CaPassphrase {
    private static final Logger LOG = LoggerFactory.getLogger(CaPassphrase.class);
    public static final String DEMO_FILE = "demo-passphrase";

    private CaPassphrase() {
    }

    public static PassphraseSource resolve(Path caHome, boolean demo) throws IOException {
        return resolve(caHome, demo, System.getenv());
    }

    /** As {@link #resolve(Path, boolean)} with the given environment variables. */
    public static PassphraseSource resolve(Path caHome, boolean demo, java.util.Map<String, String> env) throws IOException {
        boolean configured = env.get(PassphraseSource.ENV_PASSPHRASE) != null
            || env.get(PassphraseSource.ENV_PASSPHRASE_FILE) != null;
        Path demoFile = caHome.resolve(DEMO_FILE);
        if (configured) {
            if (Files.exists(demoFile)) {
                LOG.warn("{} exists but the CA passphrase is configured in the environment, which wins; delete that file"
                    + " if this data directory is no longer a demo", demoFile);
            }
            return PassphraseSource.fromEnvironment(env);
        }
        if (!demo) {
            if (Files.exists(demoFile)) {
                throw new MissingPassphraseException("this data directory's CA uses the generated demo passphrase in " + demoFile
                    + ", which is only used with `start --demo`: start with --demo (and run commands while it runs),"
                    + " or set " + PassphraseSource.ENV_PASSPHRASE_FILE + "=" + demoFile + " to accept that file deliberately");
            }
            return PassphraseSource.fromEnvironment(env);
        }
        char[] passphrase = SecretFiles.readOrCreateRandom(demoFile, 24).toCharArray();
        LOG.warn("DEMO: the CA key passphrase is kept in {}; for real use set {} or {} and delete that file",
            demoFile, PassphraseSource.ENV_PASSPHRASE, PassphraseSource.ENV_PASSPHRASE_FILE);
        try {
            return PassphraseSource.generated(passphrase, "the generated demo passphrase in " + demoFile);
        } finally {
            java.util.Arrays.fill(passphrase, '\0');
        }
    }
}

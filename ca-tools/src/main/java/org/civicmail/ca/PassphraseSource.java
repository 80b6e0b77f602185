package org.civicmail.ca;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Where the passphrase protecting the CA's private keys comes from: the environment variable
 * {@value #ENV_PASSPHRASE}, or the file named by {@value #ENV_PASSPHRASE_FILE}. The passphrase
 * is read each time it is needed and never logged or put into an exception.
 */
public final class PassphraseSource {
    public static final String ENV_PASSPHRASE = "CIVICMAIL_CA_PASSPHRASE";
    public static final String ENV_PASSPHRASE_FILE = "CIVICMAIL_CA_PASSPHRASE_FILE";
    public static final int MIN_LENGTH = 12;

    private final Supplier<char[]> supplier;

    private PassphraseSource(Supplier<char[]> supplier) {
        this.supplier = supplier;
    }

    /** Reads {@value #ENV_PASSPHRASE} or {@value #ENV_PASSPHRASE_FILE} from the process environment. */
    public static PassphraseSource fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    /** Same as {@link #fromEnvironment()} on a given map of variables (for tests and hosts). */
    public static PassphraseSource fromEnvironment(Map<String, String> env) {
        return new PassphraseSource(() -> read(env));
    }

    /** A fixed passphrase, for hosts that obtained it themselves and for tests. */
    public static PassphraseSource of(char[] passphrase) {
        char[] copy = passphrase.clone();
        return new PassphraseSource(() -> check(copy.clone(), "the passphrase given to PassphraseSource.of"));
    }

    /** A copy of the passphrase; callers should clear it after use. */
    public char[] passphrase() {
        return supplier.get();
    }

    private static char[] read(Map<String, String> env) {
        String direct = env.get(ENV_PASSPHRASE);
        if (direct != null && !direct.isEmpty()) {
            return check(direct.toCharArray(), ENV_PASSPHRASE);
        }
        String file = env.get(ENV_PASSPHRASE_FILE);
        if (file == null || file.isBlank()) {
            throw new MissingPassphraseException("no passphrase for the CA keys: set " + ENV_PASSPHRASE
                    + " to the passphrase, or " + ENV_PASSPHRASE_FILE + " to the path of a file containing it");
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(Path.of(file));
        } catch (IOException e) {
            throw new MissingPassphraseException(ENV_PASSPHRASE_FILE + " names " + file
                    + ", which cannot be read (" + e.getClass().getSimpleName() + "); fix the path or its permissions");
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        Arrays.fill(bytes, (byte) 0);
        int end = text.length();
        while (end > 0 && (text.charAt(end - 1) == '\n' || text.charAt(end - 1) == '\r')) {
            end--;
        }
        return check(text.substring(0, end).toCharArray(), "the file " + file + " named by " + ENV_PASSPHRASE_FILE);
    }

    private static char[] check(char[] pass, String where) {
        if (pass.length < MIN_LENGTH) {
            Arrays.fill(pass, '\0');
            throw new MissingPassphraseException("the CA passphrase from " + where + " is shorter than "
                    + MIN_LENGTH + " characters; choose a longer passphrase");
        }
        return pass;
    }
}

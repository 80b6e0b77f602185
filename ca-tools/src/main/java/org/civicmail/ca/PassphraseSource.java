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
 * {@value #ENV_PASSPHRASE}, or the file named by {@value #ENV_PASSPHRASE_FILE} (preferred: the
 * JDK keeps a copy of every environment variable as a String for the life of the process). The
 * CA reads it once when it unlocks its keys and then clears its copy; it is never logged or put
 * into an exception.
 */
public final class PassphraseSource {
    public static final String ENV_PASSPHRASE = "CIVICMAIL_CA_PASSPHRASE";
    public static final String ENV_PASSPHRASE_FILE = "CIVICMAIL_CA_PASSPHRASE_FILE";
    public static final int MIN_LENGTH = 12;

    private final Supplier<char[]> supplier;
    private final Supplier<String> origin;
    private final boolean generated;
    private final Runnable forget;

    private PassphraseSource(Supplier<char[]> supplier, Supplier<String> origin, boolean generated, Runnable forget) {
        this.supplier = supplier;
        this.origin = origin;
        this.generated = generated;
        this.forget = forget;
    }

    /** Reads {@value #ENV_PASSPHRASE} or {@value #ENV_PASSPHRASE_FILE} from the process environment. */
    public static PassphraseSource fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    /** Same as {@link #fromEnvironment()} on a given map of variables (for tests and hosts). */
    public static PassphraseSource fromEnvironment(Map<String, String> env) {
        return new PassphraseSource(() -> read(env), () -> origin(env), false, () -> { });
    }

    /** A fixed passphrase, for hosts that obtained it themselves and for tests; {@link #forget()} clears it. */
    public static PassphraseSource of(char[] passphrase) {
        return fixed(passphrase, "the passphrase given to PassphraseSource.of", false);
    }

    /**
     * A passphrase the host generated at random (the demo's): exempt from {@link PassphrasePolicy},
     * whose rules are for passphrases people choose.
     */
    public static PassphraseSource generated(char[] passphrase, String origin) {
        return fixed(passphrase, origin, true);
    }

    /** A source whose passphrase was already used and cleared; asking it again is a programming error. */
    public static PassphraseSource discarded() {
        return new PassphraseSource(PassphraseSource::cleared, () -> "a passphrase already cleared", false, () -> { });
    }

    private static char[] cleared() {
        throw new IllegalStateException("the CA passphrase was cleared from memory after the keys were unlocked");
    }

    private static PassphraseSource fixed(char[] passphrase, String origin, boolean generated) {
        char[] copy = passphrase.clone();
        java.util.concurrent.atomic.AtomicBoolean forgotten = new java.util.concurrent.atomic.AtomicBoolean();
        return new PassphraseSource(() -> forgotten.get() ? cleared() : check(copy.clone(), origin), () -> origin, generated, () -> {
            forgotten.set(true);
            Arrays.fill(copy, '\0');
        });
    }

    /** A copy of the passphrase; callers clear it after use. */
    public char[] passphrase() {
        return supplier.get();
    }

    /** Where the passphrase comes from, for messages (never the passphrase). */
    public String origin() {
        return origin.get();
    }

    /** True for a passphrase the host generated at random (exempt from the strength rule). */
    public boolean generated() {
        return generated;
    }

    /** Clears any copy this source holds; environment sources hold none (they read on demand). */
    public void forget() {
        forget.run();
    }

    private static String origin(Map<String, String> env) {
        String direct = env.get(ENV_PASSPHRASE);
        if (direct != null && !direct.isEmpty()) {
            return ENV_PASSPHRASE;
        }
        return "the file " + env.get(ENV_PASSPHRASE_FILE) + " named by " + ENV_PASSPHRASE_FILE;
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
        // Decoded into a char[] we can clear, never into a String.
        java.nio.CharBuffer chars = StandardCharsets.UTF_8.decode(java.nio.ByteBuffer.wrap(bytes));
        Arrays.fill(bytes, (byte) 0);
        int end = chars.limit();
        while (end > 0 && (chars.get(end - 1) == '\n' || chars.get(end - 1) == '\r')) {
            end--;
        }
        char[] pass = Arrays.copyOf(chars.array(), end);
        Arrays.fill(chars.array(), '\0');
        return check(pass, "the file " + file + " named by " + ENV_PASSPHRASE_FILE);
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

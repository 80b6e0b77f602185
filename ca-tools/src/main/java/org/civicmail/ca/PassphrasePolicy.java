package org.civicmail.ca;

import java.util.Optional;

/**
 * The minimum strength of a CA passphrase a person chooses: at least {@value #MIN_LENGTH}
 * characters, of which at least {@value #MIN_DISTINCT} different, and not only digits. Length
 * counts most against guessing (NIST SP 800-63B); the distinct-character rule refuses fillers such
 * as {@code aaaaaaaaaaaaaaaa} or {@code abababab…}. Applied when a CA is created; an existing CA
 * whose passphrase is weaker keeps opening (its keys are already encrypted under it) with a
 * warning at every start.
 */
public final class PassphrasePolicy {
    public static final int MIN_LENGTH = 16;
    public static final int MIN_DISTINCT = 10;
    public static final String RULE = "at least " + MIN_LENGTH + " characters, at least " + MIN_DISTINCT
            + " of them different, not only digits";

    private PassphrasePolicy() {
    }

    /** What is wrong with {@code passphrase}, or empty if it meets the rule. Never echoes the passphrase. */
    public static Optional<String> problem(char[] passphrase) {
        // No String copy of the passphrase: it would stay in the heap until collected.
        java.util.BitSet seen = new java.util.BitSet(Character.MAX_VALUE + 1);
        boolean digitsOnly = true;
        for (char c : passphrase) {
            seen.set(c);
            digitsOnly &= Character.isDigit(c);
        }
        int distinct = seen.cardinality();
        if (passphrase.length < MIN_LENGTH) {
            return Optional.of("it has " + passphrase.length + " characters");
        }
        if (distinct < MIN_DISTINCT) {
            return Optional.of("it has only " + distinct + " different characters");
        }
        if (digitsOnly) {
            return Optional.of("it is only digits");
        }
        return Optional.empty();
    }

    /** Throws {@link WeakPassphraseException} naming the rule and {@code source} if the passphrase is too weak. */
    public static void require(char[] passphrase, PassphraseSource source) {
        if (source.generated()) {
            return;
        }
        problem(passphrase).ifPresent(p -> {
            throw new WeakPassphraseException("the CA passphrase from " + source.origin() + " is too weak for a new CA: "
                    + p + "; the rule is " + RULE + " (e.g. five or more random words)");
        });
    }
}

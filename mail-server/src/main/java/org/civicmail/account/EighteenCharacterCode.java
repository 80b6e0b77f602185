package org.civicmail.account;

import java.util.function.Function;

/**
 * What China's two 18-character identifiers share ({@link ResidentIdNumber}, {@link UnifiedSocialCreditCode}): the
 * input trimmed and in capitals before any rule is checked, exactly 18 characters, and equality by value and kind.
 */
public abstract class EighteenCharacterCode {
    static final int LENGTH = 18;

    private final String value;

    EighteenCharacterCode(String value) {
        this.value = value;
    }

    /** The normalised candidate (trimmed, capitals), refused by {@code invalid} unless it has 18 characters. */
    static String eighteenCharacters(String raw, Function<String, InvalidAccountException> invalid) {
        String candidate = raw == null ? "" : raw.trim().toUpperCase();
        if (candidate.length() != LENGTH) {
            throw invalid.apply("must have 18 characters, got " + candidate.length());
        }
        return candidate;
    }

    /** The full code, for storage and for matching broadcast audiences. */
    public String value() {
        return value;
    }

    @Override
    public final boolean equals(Object o) {
        return o != null && o.getClass() == getClass() && ((EighteenCharacterCode) o).value.equals(value);
    }

    @Override
    public final int hashCode() {
        return value.hashCode();
    }
}

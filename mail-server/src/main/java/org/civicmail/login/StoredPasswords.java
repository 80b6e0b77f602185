package org.civicmail.login;

import java.util.Optional;

/**
 * The stored (hashed) form of an account's password, as the user repository keeps it. It changes whenever the
 * password is changed, by whatever path, so {@link RecentlyVerifiedPasswords} binds each remembered verification to
 * it. James's {@code UsersRepository} API does not show the stored form; {@link JamesUserTable} reads it below that
 * API, and {@link #NONE} is the fallback (nothing is remembered: every login pays the full password check).
 */
public interface StoredPasswords {
    /** Nothing known: every login is checked by the repository. */
    StoredPasswords NONE = user -> Optional.empty();

    /**
     * The stored form of {@code user}'s password (algorithm and hash), or empty when the account is unknown or the
     * stored form cannot be read now. Never throws.
     */
    Optional<String> current(String user);
}

package org.civicmail.mailflow.sender;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.civicmail.account.Account;
import org.civicmail.account.AccountClass;
import org.civicmail.account.AccountStore;

/**
 * The registered names of the city's organisations, read through the {@link AccountStore}: every agency name
 * (official accounts' agency; all of that agency's accounts may use it) and every legal entity's name, with the
 * addresses entitled to show it. Cached, and reloaded once the account table changed since
 * ({@link AccountStore#generation}, no query per look-up), so a name registered a moment ago counts for the next
 * message.
 * Disabled accounts keep their names: a disabled agency is still impersonated. Thread-safe.
 */
public final class RegisteredNames {
    /** Registered names (in {@link DisplayNameImpersonation#comparable} form) and who may show them. */
    public record Snapshot(Map<String, Set<String>> owners) {
        public Optional<Set<String>> ownersOf(String displayName) {
            return Optional.ofNullable(owners.get(DisplayNameImpersonation.comparable(displayName)));
        }
    }

    private record Loaded(long generation, Snapshot snapshot) {
    }

    private final AccountStore accounts;
    private volatile Loaded loaded;

    public RegisteredNames(AccountStore accounts) {
        this.accounts = accounts;
    }

    public Snapshot current() {
        // Taken before loading: a change committed while loading moves it again, so the next look-up reloads.
        long generation = accounts.generation();
        Loaded l = loaded;
        if (l != null && l.generation() == generation) {
            return l.snapshot();
        }
        synchronized (this) {
            if (loaded == null || loaded.generation() != generation) {
                loaded = new Loaded(generation, load());
            }
            return loaded.snapshot();
        }
    }

    private Snapshot load() {
        Map<String, Set<String>> owners = new HashMap<>();
        for (Account a : accounts.list(Optional.of(AccountClass.OFFICIAL), 0, Integer.MAX_VALUE)) {
            a.agency().ifPresent(agency -> owners.computeIfAbsent(DisplayNameImpersonation.comparable(agency), k -> new HashSet<>()).add(a.address()));
        }
        for (Account a : accounts.list(Optional.of(AccountClass.LEGAL_ENTITY), 0, Integer.MAX_VALUE)) {
            owners.computeIfAbsent(DisplayNameImpersonation.comparable(a.name()), k -> new HashSet<>()).add(a.address());
        }
        owners.replaceAll((k, v) -> Set.copyOf(v));
        return new Snapshot(Map.copyOf(owners));
    }
}

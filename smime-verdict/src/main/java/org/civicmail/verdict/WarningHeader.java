package org.civicmail.verdict;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The one encoder and parser of {@code X-CivicMail-Warning}: comma-separated warning words the server adds for
 * the reader, e.g. {@code X-CivicMail-Warning: unsigned-official-sender, display-name-impersonation}.
 */
public final class WarningHeader {
    public static final String NAME = "X-CivicMail-Warning";

    public enum Warning {
        /** From names an official (or legal-entity) address, but the message is not validly signed. */
        UNSIGNED_OFFICIAL_SENDER("unsigned-official-sender"),
        /** The display name shows an address or a registered agency name that is not the sender's. */
        DISPLAY_NAME_IMPERSONATION("display-name-impersonation");

        private final String token;

        Warning(String token) {
            this.token = token;
        }

        public String token() {
            return token;
        }
    }

    private WarningHeader() {
    }

    /** @return the header value, in declaration order; never called with an empty set (then write no header) */
    public static String format(Set<Warning> warnings) {
        if (warnings.isEmpty()) {
            throw new IllegalArgumentException("no warnings to write; remove the " + NAME + " header instead");
        }
        List<String> words = new ArrayList<>();
        for (Warning w : Warning.values()) {
            if (warnings.contains(w)) {
                words.add(w.token);
            }
        }
        return String.join(", ", words);
    }

    /** @return the warnings named in a header value (several headers may be joined with ','); unknown words are skipped */
    public static Set<Warning> parse(String value) {
        Set<Warning> out = EnumSet.noneOf(Warning.class);
        if (value == null) {
            return out;
        }
        for (String word : value.split(",")) {
            String w = word.trim().toLowerCase(Locale.ROOT);
            for (Warning candidate : Warning.values()) {
                if (candidate.token.equals(w)) {
                    out.add(candidate);
                }
            }
        }
        return out;
    }
}

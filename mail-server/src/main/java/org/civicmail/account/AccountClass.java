package org.civicmail.account;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The three kinds of mailbox the city runs. Every account has exactly one. */
public enum AccountClass {
    OFFICIAL("official"),
    LEGAL_ENTITY("legal-entity"),
    CITIZEN("citizen");

    private final String cliName;

    AccountClass(String cliName) {
        this.cliName = cliName;
    }

    /** The name used in the CLI, CSV files and configuration keys. */
    public String cliName() {
        return cliName;
    }

    public static AccountClass parse(String value) {
        String wanted = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values())
            .filter(c -> c.cliName.equals(wanted))
            .findFirst()
            .orElseThrow(() -> new InvalidAccountException("class", "'" + value + "' is not an account class; use one of "
                + Arrays.stream(values()).map(AccountClass::cliName).collect(Collectors.joining(", "))));
    }

    @Override
    public String toString() {
        return cliName;
    }
}

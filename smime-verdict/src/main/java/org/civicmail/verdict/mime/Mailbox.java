package org.civicmail.verdict.mime;

import java.util.Locale;
import java.util.Optional;

/**
 * One mailbox of an address header: display name (RFC 2047-decoded, whitespace collapsed; empty when none) and
 * address as written. {@code inGroup} marks a member of a group ({@code name: a@x, b@y;}).
 */
public record Mailbox(String displayName, String address, boolean inGroup) {

    /** The address in lower case, or empty when what was written is not local@domain. */
    public Optional<String> normalisedAddress() {
        int at = address.lastIndexOf('@');
        if (at <= 0 || at == address.length() - 1 || address.indexOf('@') != at && !address.startsWith("\"")) {
            return Optional.empty();
        }
        return Optional.of(address.toLowerCase(Locale.ROOT));
    }
}

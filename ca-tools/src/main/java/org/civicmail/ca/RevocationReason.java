package org.civicmail.ca;

import java.util.Arrays;
import java.util.stream.Collectors;

/** RFC 5280 CRLReason codes, spelled as in the RFC. */
public enum RevocationReason {
    unspecified(0),
    keyCompromise(1),
    cACompromise(2),
    affiliationChanged(3),
    superseded(4),
    cessationOfOperation(5),
    certificateHold(6),
    removeFromCRL(8),
    privilegeWithdrawn(9),
    aACompromise(10);

    private final int code;

    RevocationReason(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static RevocationReason ofCode(int code) {
        for (RevocationReason r : values()) {
            if (r.code == code) {
                return r;
            }
        }
        throw new IllegalArgumentException("no CRLReason with code " + code);
    }

    /** Parses a reason name (case-insensitive) or its numeric code. */
    public static RevocationReason parse(String field, String text) {
        String t = text == null ? "" : text.trim();
        for (RevocationReason r : values()) {
            if (r.name().equalsIgnoreCase(t) || String.valueOf(r.code).equals(t)) {
                return r;
            }
        }
        String names = Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "));
        throw new InvalidInputException(field + " '" + text + "' is not an RFC 5280 revocation reason: use one of "
                + names + " (or its number)");
    }

    @Override
    public String toString() {
        return name();
    }
}

package org.civicmail.ca;

import java.math.BigInteger;
import java.util.Locale;

/** Parsing and printing of certificate serial numbers as operators type them. */
public final class SerialNumbers {
    private SerialNumbers() {
    }

    /**
     * Parses a serial: {@code 0x}-prefixed hex, hex as openssl prints it (with letters and
     * optional colons), or plain decimal digits.
     *
     * @param field the name of the input, used in the error message (e.g. {@code --serial})
     */
    public static BigInteger parse(String field, String text) {
        String s = text == null ? "" : text.trim();
        try {
            if (s.startsWith("0x") || s.startsWith("0X")) {
                return positive(new BigInteger(s.substring(2).replace(":", ""), 16));
            }
            if (s.matches("[0-9]+")) {
                return positive(new BigInteger(s, 10));
            }
            if (s.matches("[0-9A-Fa-f]{2}(:?[0-9A-Fa-f]{2})*|[0-9A-Fa-f]+")) {
                return positive(new BigInteger(s.replace(":", ""), 16));
            }
        } catch (NumberFormatException e) {
            // fall through to the explanation below
        }
        throw new InvalidInputException(field + " '" + text + "' is not a valid serial number: use decimal digits"
                + " (12345), hex with a 0x prefix (0x1f3a), or hex as printed by `ca list` and openssl (1F3AC0DE, colons allowed)");
    }

    private static BigInteger positive(BigInteger value) {
        if (value.signum() <= 0) {
            throw new NumberFormatException();
        }
        return value;
    }

    /** Upper-case hex without prefix, the way {@code openssl x509 -serial} prints it. */
    public static String toHex(BigInteger serial) {
        String hex = serial.toString(16).toUpperCase(Locale.ROOT);
        return hex.length() % 2 == 1 ? "0" + hex : hex;
    }
}

package org.civicmail.account;

import java.time.DateTimeException;
import java.time.LocalDate;

/**
 * A citizen's 18-character resident identity number (GB 11643-1999): 6-digit region, 8-digit birth date,
 * 3-digit sequence and an ISO 7064 MOD 11-2 check character (0-9 or X).
 * {@link #toString()} is masked: identity numbers are personal data and never appear in full in logs; the full
 * {@link #value()} is for storage and for matching broadcast audiences only, never log it.
 */
public final class ResidentIdNumber extends EighteenCharacterCode {
    private static final int[] WEIGHTS = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    private static final char[] CHECK_CHARS = "10X98765432".toCharArray();

    private ResidentIdNumber(String value) {
        super(value);
    }

    public static ResidentIdNumber parse(String raw) {
        String candidate = eighteenCharacters(raw, ResidentIdNumber::invalid);
        for (int i = 0; i < 17; i++) {
            if (!Character.isDigit(candidate.charAt(i)) || candidate.charAt(i) > '9') {
                throw invalid("characters 1-17 must be digits (position " + (i + 1) + " is not)");
            }
        }
        char last = candidate.charAt(17);
        if (!(last >= '0' && last <= '9') && last != 'X') {
            throw invalid("the 18th character must be a digit or X");
        }
        checkBirthDate(candidate);
        char expected = checkCharacter(candidate);
        if (expected != last) {
            throw invalid("check digit does not match (GB 11643 MOD 11-2); the number was probably mistyped");
        }
        return new ResidentIdNumber(candidate);
    }

    /** The full 18-character number for 17 leading digits (for generated test and benchmark residents). */
    public static String withCheckCharacter(String first17) {
        return first17 + checkCharacter(first17);
    }

    static char checkCharacter(String first17) {
        int sum = 0;
        for (int i = 0; i < 17; i++) {
            sum += (first17.charAt(i) - '0') * WEIGHTS[i];
        }
        return CHECK_CHARS[sum % 11];
    }

    private static void checkBirthDate(String candidate) {
        int year = Integer.parseInt(candidate.substring(6, 10));
        int month = Integer.parseInt(candidate.substring(10, 12));
        int day = Integer.parseInt(candidate.substring(12, 14));
        try {
            LocalDate birth = LocalDate.of(year, month, day);
            if (year < 1900 || birth.isAfter(LocalDate.now())) {
                throw invalid("characters 7-14 must be a birth date between 1900 and today");
            }
        } catch (DateTimeException e) {
            throw invalid("characters 7-14 must be a birth date (YYYYMMDD)");
        }
    }

    private static InvalidAccountException invalid(String rule) {
        return new InvalidAccountException("id-number", rule + " (GB 11643 resident ID number)");
    }

    /** Region and last four characters only, e.g. {@code 330106********123X}. */
    public String masked() {
        return value().substring(0, 6) + "********" + value().substring(14);
    }

    /** Any text shaped like an ID number (valid or not) masked the same way; other text unchanged. For messages. */
    public static String maskIfIdNumber(String text) {
        String t = text == null ? "" : text.trim();
        return t.matches("\\d{17}[\\dXx]") ? t.substring(0, 6) + "********" + t.substring(14) : text;
    }

    @Override
    public String toString() {
        return masked();
    }
}

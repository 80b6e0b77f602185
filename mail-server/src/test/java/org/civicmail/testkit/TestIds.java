package org.civicmail.testkit;

import org.civicmail.account.ResidentIdNumber;
import org.civicmail.account.UnifiedSocialCreditCode;

/** Valid identity numbers for test accounts, made from 17 characters plus their computed check character. */
public final class TestIds {
    private TestIds() {
    }

    public static String residentId(String first17) {
        return ResidentIdNumber.parse(first17 + checkOf(first17)).value();
    }

    public static String creditCode(String first17) {
        String candidate = first17 + creditCheckOf(first17);
        return UnifiedSocialCreditCode.parse(candidate).value();
    }

    private static char checkOf(String first17) {
        int[] weights = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
        int sum = 0;
        for (int i = 0; i < 17; i++) {
            sum += (first17.charAt(i) - '0') * weights[i];
        }
        return "10X98765432".charAt(sum % 11);
    }

    private static char creditCheckOf(String first17) {
        String alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
        int[] weights = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};
        int sum = 0;
        for (int i = 0; i < 17; i++) {
            sum += alphabet.indexOf(first17.charAt(i)) * weights[i];
        }
        return alphabet.charAt((31 - sum % 31) % 31);
    }
}

package org.civicmail.account;

/**
 * A legal entity's 18-character unified social credit code (GB 32100-2015): characters from a 31-symbol
 * alphabet (digits and capitals without I, O, Z, S, V) and a MOD 31 check character.
 */
public final class UnifiedSocialCreditCode extends EighteenCharacterCode {
    private static final String ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    private static final int[] WEIGHTS = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};

    private UnifiedSocialCreditCode(String value) {
        super(value);
    }

    public static UnifiedSocialCreditCode parse(String raw) {
        String candidate = eighteenCharacters(raw, UnifiedSocialCreditCode::invalid);
        for (int i = 0; i < 18; i++) {
            if (ALPHABET.indexOf(candidate.charAt(i)) < 0) {
                throw invalid("character " + (i + 1) + " '" + candidate.charAt(i)
                    + "' is not allowed (digits and capitals except I, O, Z, S, V)");
            }
        }
        if (checkCharacter(candidate) != candidate.charAt(17)) {
            throw invalid("check character does not match (GB 32100 MOD 31); the code was probably mistyped");
        }
        return new UnifiedSocialCreditCode(candidate);
    }

    static char checkCharacter(String first17) {
        int sum = 0;
        for (int i = 0; i < 17; i++) {
            sum += ALPHABET.indexOf(first17.charAt(i)) * WEIGHTS[i];
        }
        int check = (31 - sum % 31) % 31;
        return ALPHABET.charAt(check);
    }

    private static InvalidAccountException invalid(String rule) {
        return new InvalidAccountException("credit-code", rule + " (GB 32100 unified social credit code)");
    }

    @Override
    public String toString() {
        return value();
    }
}

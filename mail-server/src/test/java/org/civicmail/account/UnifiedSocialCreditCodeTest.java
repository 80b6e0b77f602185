package org.civicmail.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class UnifiedSocialCreditCodeTest {

    @Test
    void acceptsPublishedCodes() {
        // Codes printed on public business licences.
        assertThat(UnifiedSocialCreditCode.parse("91350100M000100Y43").value()).isEqualTo("91350100M000100Y43");
        assertThat(UnifiedSocialCreditCode.parse("91330106MA2B0WATE5").value()).isEqualTo("91330106MA2B0WATE5");
    }

    @Test
    void refusesAWrongCheckCharacter() {
        assertThatThrownBy(() -> UnifiedSocialCreditCode.parse("91350100M000100Y44"))
            .isInstanceOf(InvalidAccountException.class)
            .hasMessage("credit-code: check character does not match (GB 32100 MOD 31); the code was probably mistyped "
                + "(GB 32100 unified social credit code)");
    }

    @Test
    void refusesLettersOutsideTheAlphabetAndWrongLength() {
        assertThatThrownBy(() -> UnifiedSocialCreditCode.parse("91350100M000100O43")).hasMessageContaining("character 16 'O' is not allowed");
        assertThatThrownBy(() -> UnifiedSocialCreditCode.parse("9135")).hasMessageContaining("must have 18 characters, got 4");
    }
}

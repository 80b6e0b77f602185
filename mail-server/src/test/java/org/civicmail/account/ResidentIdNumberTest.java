package org.civicmail.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ResidentIdNumberTest {

    @Test
    void acceptsANumberWithTheRightCheckDigitIncludingX() {
        // 11010519491231002X is the example number printed in GB 11643.
        assertThat(ResidentIdNumber.parse("11010519491231002X").value()).isEqualTo("11010519491231002X");
        assertThat(ResidentIdNumber.parse(" 11010519491231002x ").value()).isEqualTo("11010519491231002X");
        assertThat(ResidentIdNumber.parse("330106198506120023").value()).isEqualTo("330106198506120023");
    }

    @Test
    void refusesAWrongCheckDigitNamingTheRule() {
        assertThatThrownBy(() -> ResidentIdNumber.parse("110105194912310021"))
            .isInstanceOf(InvalidAccountException.class)
            .hasMessage("id-number: check digit does not match (GB 11643 MOD 11-2); the number was probably mistyped "
                + "(GB 11643 resident ID number)");
    }

    @Test
    void refusesWrongLengthLettersAndImpossibleBirthDates() {
        assertThatThrownBy(() -> ResidentIdNumber.parse("1101051949123100")).hasMessageContaining("must have 18 characters, got 16");
        assertThatThrownBy(() -> ResidentIdNumber.parse("11010519491231A02X")).hasMessageContaining("position 15 is not");
        assertThatThrownBy(() -> ResidentIdNumber.parse("110105194902300021")).hasMessageContaining("must be a birth date");
        assertThatThrownBy(() -> ResidentIdNumber.parse("")).hasMessageContaining("got 0");
        assertThatThrownBy(() -> ResidentIdNumber.parse(null)).hasMessageContaining("got 0");
    }

    @Test
    void printsOnlyAMaskedForm() {
        ResidentIdNumber id = ResidentIdNumber.parse("11010519491231002X");
        assertThat(id.toString()).isEqualTo("110105********002X");
        assertThat(id.masked()).doesNotContain("19491231");
    }

    @Test
    void textShapedLikeAnIdNumberIsMaskedInMessages() {
        assertThat(ResidentIdNumber.maskIfIdNumber("110105194912310021")).isEqualTo("110105********0021");
        assertThat(ResidentIdNumber.maskIfIdNumber("li.na@citizen.test")).isEqualTo("li.na@citizen.test");
    }
}

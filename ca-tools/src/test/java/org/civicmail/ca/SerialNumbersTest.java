package org.civicmail.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class SerialNumbersTest {
    @Test
    void acceptsDecimalPrefixedHexAndOpensslHex() {
        assertEquals(BigInteger.valueOf(12345), SerialNumbers.parse("--serial", "12345"));
        assertEquals(BigInteger.valueOf(0x1f3a), SerialNumbers.parse("--serial", "0x1f3a"));
        assertEquals(BigInteger.valueOf(0x1f3a), SerialNumbers.parse("--serial", "0X1F3A"));
        assertEquals(new BigInteger("1F3AC0DE", 16), SerialNumbers.parse("--serial", "1F3AC0DE"));
        assertEquals(new BigInteger("1F3AC0DE", 16), SerialNumbers.parse("--serial", "1f:3a:c0:de"));
        assertEquals(new BigInteger("7FA0", 16), SerialNumbers.parse("--serial", " 7fa0 "));
    }

    @Test
    void refusesOthersNamingTheAcceptedBases() {
        for (String bad : new String[] {"", "0x", "-5", "0", "0x0", "12zz", "1F:3", "serial"}) {
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> SerialNumbers.parse("--serial", bad));
            assertEquals("--serial '" + bad + "' is not a valid serial number: use decimal digits (12345), hex with a 0x"
                    + " prefix (0x1f3a), or hex as printed by `ca list` and openssl (1F3AC0DE, colons allowed)", e.getMessage());
            assertEquals(2, e.exitCode());
        }
    }

    @Test
    void printsEvenLengthUpperCaseHex() {
        assertEquals("0ABC", SerialNumbers.toHex(BigInteger.valueOf(0xabc)));
        assertEquals("10", SerialNumbers.toHex(BigInteger.valueOf(16)));
    }
}

package org.civicmail.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;

import org.apache.derby.jdbc.EmbeddedDataSource;
import org.junit.jupiter.api.Test;

class KeyAlgorithmTest {
    @Test
    void eachNameParsesToItsAlgorithmAndGeneratesKeysOfThatSize() {
        assertEquals(KeyAlgorithm.RSA_2048, KeyAlgorithm.parse("--key-algorithm", "RSA-2048"));
        assertEquals(KeyAlgorithm.RSA_2048, KeyAlgorithm.parse("--key-algorithm", "rsa2048"));
        assertEquals(KeyAlgorithm.RSA_3072, KeyAlgorithm.parse("--key-algorithm", "rsa"));
        assertEquals(KeyAlgorithm.EC_P256, KeyAlgorithm.parse("--key-algorithm", " ec "));
        for (KeyAlgorithm a : KeyAlgorithm.values()) {
            assertEquals(a, KeyAlgorithm.parse("x", a.cliName()));
        }
        assertEquals(2048, ((RSAPublicKey) KeyAlgorithm.RSA_2048.generate().getPublic()).getModulus().bitLength());
        assertEquals(3072, ((RSAPublicKey) KeyAlgorithm.RSA_3072.generate().getPublic()).getModulus().bitLength());
        assertEquals(256, ((ECPublicKey) KeyAlgorithm.EC_P256.generate().getPublic()).getParams().getCurve().getField().getFieldSize());
    }

    @Test
    void unknownNamesAreRefusedWithTheChoices() {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> KeyAlgorithm.parse("--key-algorithm", "rsa-1024"));
        assertEquals("--key-algorithm 'rsa-1024' is not a key algorithm: use ec-p256 (default), rsa-3072 or rsa-2048", e.getMessage());
    }

    @Test
    void theCaItselfRefusesRsa2048Keys() {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> new CaConfig(new EmbeddedDataSource(), Path.of("ca"),
            new CaUrls("http://127.0.0.1:1"), KeyAlgorithm.RSA_2048, PassphraseSource.fromEnvironment(), null, null, null));
        assertTrue(e.getMessage().contains("the CA's keys use ec-p256 or rsa-3072"), e.getMessage());
    }
}

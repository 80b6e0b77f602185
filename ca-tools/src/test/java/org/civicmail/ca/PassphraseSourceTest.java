package org.civicmail.ca;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PassphraseSourceTest {
    @TempDir
    Path dir;

    @Test
    void readsTheVariableOrTheFile() throws Exception {
        assertArrayEquals("correct horse battery".toCharArray(),
                PassphraseSource.fromEnvironment(Map.of("CIVICMAIL_CA_PASSPHRASE", "correct horse battery")).passphrase());
        Path file = dir.resolve("pass");
        Files.writeString(file, "staple from a file\n");
        assertArrayEquals("staple from a file".toCharArray(),
                PassphraseSource.fromEnvironment(Map.of("CIVICMAIL_CA_PASSPHRASE_FILE", file.toString())).passphrase());
    }

    @Test
    void missingNamesBothVariables() {
        MissingPassphraseException e = assertThrows(MissingPassphraseException.class,
                () -> PassphraseSource.fromEnvironment(Map.of()).passphrase());
        assertEquals("no passphrase for the CA keys: set CIVICMAIL_CA_PASSPHRASE to the passphrase, or"
                + " CIVICMAIL_CA_PASSPHRASE_FILE to the path of a file containing it", e.getMessage());
    }

    @Test
    void unreadableFileAndShortPassphraseNeverEchoTheSecret() {
        Path missing = dir.resolve("nope");
        MissingPassphraseException e = assertThrows(MissingPassphraseException.class,
                () -> PassphraseSource.fromEnvironment(Map.of("CIVICMAIL_CA_PASSPHRASE_FILE", missing.toString())).passphrase());
        assertEquals("CIVICMAIL_CA_PASSPHRASE_FILE names " + missing + ", which cannot be read (NoSuchFileException);"
                + " fix the path or its permissions", e.getMessage());
        MissingPassphraseException s = assertThrows(MissingPassphraseException.class,
                () -> PassphraseSource.fromEnvironment(Map.of("CIVICMAIL_CA_PASSPHRASE", "sekrit")).passphrase());
        assertEquals("the CA passphrase from CIVICMAIL_CA_PASSPHRASE is shorter than 12 characters; choose a longer passphrase",
                s.getMessage());
        assertFalse(s.getMessage().contains("sekrit"));
    }
}

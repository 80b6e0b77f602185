package org.civicmail.ca.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.civicmail.ca.InvalidInputException;

/** The password protecting an exported PKCS#12: from a file or the environment, never from the command line. */
public final class Passwords {
    public static final String ENV = "CIVICMAIL_P12_PASSWORD";

    private Passwords() {
    }

    public static char[] p12Password(CaEnvironment env, Path file) {
        String value;
        if (file != null) {
            try {
                value = Files.readString(CaSubcommand.resolve(env, file), StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new InvalidInputException("--p12-password-file " + file + " cannot be read ("
                        + e.getClass().getSimpleName() + "); give a readable file holding the password");
            }
        } else {
            value = env.getenv(ENV);
        }
        if (value == null || value.isEmpty()) {
            throw new InvalidInputException("a PKCS#12 file needs a password: pass --p12-password-file FILE or set " + ENV);
        }
        if (value.length() < 8) {
            throw new InvalidInputException("the PKCS#12 password is shorter than 8 characters; choose a longer one");
        }
        return value.toCharArray();
    }
}

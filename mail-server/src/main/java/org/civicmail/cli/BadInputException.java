package org.civicmail.cli;

/** Input a user gave that cannot be used; exit code 2. The message names the input and the fix. */
public class BadInputException extends RuntimeException {
    public BadInputException(String message) {
        super(message);
    }
}

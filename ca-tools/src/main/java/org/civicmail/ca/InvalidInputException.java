package org.civicmail.ca;

/** The caller's input was refused (CLI exit code 2); the message names the field and the rule. */
public class InvalidInputException extends CaException {
    public InvalidInputException(String message) {
        super(message, 2, null);
    }
}

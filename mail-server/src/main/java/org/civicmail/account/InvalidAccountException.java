package org.civicmail.account;

/**
 * Account data that breaks a rule. The message names the field and the rule, so a clerk loading a registry
 * knows what to fix; the CLI maps it to exit code 2. It never carries a full ID number.
 */
public class InvalidAccountException extends RuntimeException {
    private final String field;

    public InvalidAccountException(String field, String rule) {
        super(field + ": " + rule);
        this.field = field;
    }

    public String field() {
        return field;
    }
}

package org.civicmail.ca;

/**
 * A failure of the certificate authority whose message is safe to show to an operator:
 * it names the input and the fix, and never contains a passphrase or key material.
 * {@link #exitCode()} is the CLI exit code: 2 for bad input, 1 for anything else.
 */
public class CaException extends RuntimeException {
    private final int exitCode;

    public CaException(String message) {
        this(message, 1, null);
    }

    public CaException(String message, Throwable cause) {
        this(message, 1, cause);
    }

    protected CaException(String message, int exitCode, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}

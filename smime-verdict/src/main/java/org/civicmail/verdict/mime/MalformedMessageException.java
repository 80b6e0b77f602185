package org.civicmail.verdict.mime;

/** The message does not follow the MIME structure a signature check needs; the message says what was wrong. */
public final class MalformedMessageException extends Exception {
    private static final long serialVersionUID = 1L;

    public MalformedMessageException(String message) {
        super(message);
    }
}

package org.civicmail.mailflow.sender;

/** A From or Sender field that cannot be parsed as an address list; the message names the field and the fix. */
public class UnreadableSenderException extends Exception {
    public UnreadableSenderException(String message, Throwable cause) {
        super(message, cause);
    }
}

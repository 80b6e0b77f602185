package org.civicmail.server;

/** The server could not start; the message says what was wrong and what to do. */
public class ServerStartException extends Exception {
    public ServerStartException(String message, Throwable cause) {
        super(message, cause);
    }
}

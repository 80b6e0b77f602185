package org.civicmail.ca;

/** A chosen CA passphrase does not meet {@link PassphrasePolicy}; the message names the rule (exit code 2). */
public class WeakPassphraseException extends CaException {
    public WeakPassphraseException(String message) {
        super(message, 2, null);
    }
}

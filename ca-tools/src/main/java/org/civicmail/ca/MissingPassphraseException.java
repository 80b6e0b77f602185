package org.civicmail.ca;

/** No usable passphrase for the CA's encrypted keys; the message says which variable to set. */
public class MissingPassphraseException extends CaException {
    public MissingPassphraseException(String message) {
        super(message, 1, null);
    }
}

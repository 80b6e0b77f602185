package org.civicmail.imap.names;

import java.nio.charset.CharacterCodingException;

import org.apache.james.imap.api.display.ModifiedUtf7;

/**
 * Whether a mailbox name as a client sent it is valid modified UTF-7 (RFC 3501 section 5.1.3) as James decodes it.
 * James 3.8.1's decoder does not report a bad name: the charset underneath throws {@code java.lang.Error} wrapping a
 * {@link CharacterCodingException}, which travels up to the network layer and closes the connection.
 */
public final class ModifiedUtf7Names {
    private ModifiedUtf7Names() {
    }

    public static boolean decodable(String name) {
        if (name == null) {
            return true;
        }
        try {
            ModifiedUtf7.decodeModifiedUTF7(name);
            return true;
        } catch (Error e) {
            if (isUndecodableName(e)) {
                return false;
            }
            throw e;
        }
    }

    /** The {@code Error} James's decoder throws for a name that is not modified UTF-7. */
    static boolean isUndecodableName(Error e) {
        return e.getCause() instanceof CharacterCodingException;
    }
}

package org.civicmail.imap.condstore;

import java.io.IOException;

import javax.inject.Inject;

import org.apache.james.imap.api.display.Locales;
import org.apache.james.imap.api.display.Localizer;
import org.apache.james.imap.api.message.response.StatusResponse.ResponseCode;
import org.apache.james.imap.encode.ImapResponseComposer;
import org.apache.james.imap.encode.StatusResponseEncoder;
import org.apache.james.imap.message.response.ImmutableStatusResponse;

/**
 * Status responses as James writes them, except the CONDSTORE {@code MODIFIED} code (RFC 7162 section 3.1.3): James
 * 3.8.1 gives it the number 0 meant for codes like {@code UIDNEXT n}, so a failed conditional STORE of message 2 read
 * {@code [MODIFIED 0 2]}, which names message 0 and breaks the sequence-set syntax. Here it is {@code [MODIFIED 2]}.
 */
public class ModifiedResponseEncoder extends StatusResponseEncoder {
    private static final String MODIFIED = "MODIFIED";

    private final Localizer localizer;

    @Inject
    public ModifiedResponseEncoder(Localizer localizer) {
        super(localizer);
        this.localizer = localizer;
    }

    @Override
    public void encode(ImmutableStatusResponse response, ImapResponseComposer composer) throws IOException {
        ResponseCode code = response.getResponseCode();
        if (code == null || !MODIFIED.equals(code.getCode())) {
            super.encode(response, composer);
            return;
        }
        if (response.getTag() == null) {
            composer.untagged();
        } else {
            composer.tag(response.getTag());
        }
        composer.message(response.getServerResponseType().getCodeAsBytes());
        composer.openSquareBracket();
        composer.message(MODIFIED);
        for (String failed : code.getParameters()) {
            composer.message(failed);
        }
        composer.closeSquareBracket();
        if (response.getCommand() != null) {
            composer.commandName(response.getCommand());
        }
        if (response.getTextKey() != null) {
            composer.message(localizer.localize(response.getTextKey(), Locales.DEFAULT));
        }
        composer.end();
    }
}

package org.civicmail.mailflow.sender;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import javax.mail.internet.MimeMessage;

import org.civicmail.verdict.WarningHeader.Warning;
import org.junit.jupiter.api.Test;

/** The warning joins any warning already there, comma separated, once (the contract the webmail reads). */
class WarnDisplayNameImpersonationTest {
    private static MimeMessage message(String headers) throws Exception {
        return new MimeMessage(null, new ByteArrayInputStream((headers + "\r\n\r\nbody\r\n").getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void theWarningIsAddedBesideAnExistingOneAndNotTwice() throws Exception {
        MimeMessage m = message("From: a@evil.example\r\nX-CivicMail-Warning: unsigned-official-sender");
        WarnDisplayNameImpersonation.addWarning(m, Warning.DISPLAY_NAME_IMPERSONATION);
        assertThat(m.getHeader("X-CivicMail-Warning")).containsExactly("unsigned-official-sender, display-name-impersonation");
        WarnDisplayNameImpersonation.addWarning(m, Warning.DISPLAY_NAME_IMPERSONATION);
        assertThat(m.getHeader("X-CivicMail-Warning")).containsExactly("unsigned-official-sender, display-name-impersonation");
    }

    @Test
    void withoutAnEarlierWarningItStandsAlone() throws Exception {
        MimeMessage m = message("From: a@evil.example");
        WarnDisplayNameImpersonation.addWarning(m, Warning.DISPLAY_NAME_IMPERSONATION);
        assertThat(m.getHeader("X-CivicMail-Warning")).containsExactly("display-name-impersonation");
    }
}

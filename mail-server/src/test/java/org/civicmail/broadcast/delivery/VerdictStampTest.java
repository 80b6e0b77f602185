package org.civicmail.broadcast.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** A stored copy's verdict is the one computed at delivery: whatever verdict the composed bytes carry goes. */
class VerdictStampTest {
    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void aVerdictBakedIntoANoticeIsRemovedWithItsFoldedLines() {
        // Earlier versions stored notices with "valid" baked in at compose time; resuming one must not keep it.
        String notice = "From: tax@gov.hangzhou.example\r\nX-CivicMail-Signature: valid; signer=\"tax@gov.hangzhou.example\";\r\n"
            + " serial=1f\r\nx-civicmail-warning: none\r\nSubject: s\r\n\r\nX-CivicMail-Signature: body text stays\r\n";
        assertThat(text(VerdictStamp.unstamped(bytes(notice)))).isEqualTo(
            "From: tax@gov.hangzhou.example\r\nSubject: s\r\n\r\nX-CivicMail-Signature: body text stays\r\n");
    }

    @Test
    void aMessageWithoutStatusFieldsIsReturnedAsItIs() {
        byte[] plain = bytes("From: a@b\nSubject: s\n\nbody\n");
        assertThat(VerdictStamp.unstamped(plain)).isSameAs(plain);
    }

    @Test
    void theStampIsOneHeaderLine() {
        assertThat(text(VerdictStamp.line("valid; signer=\"a@b\"; serial=1f"))).isEqualTo("X-CivicMail-Signature: valid; signer=\"a@b\"; serial=1f\r\n");
        // Attack: a verdict value smuggling a second header field.
        assertThatThrownBy(() -> VerdictStamp.line("valid\r\nX-CivicMail-Warning: none")).isInstanceOf(IllegalArgumentException.class);
    }
}

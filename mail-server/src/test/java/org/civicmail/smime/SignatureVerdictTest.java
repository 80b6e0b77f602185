package org.civicmail.smime;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.time.Instant;

import org.junit.jupiter.api.Test;

/** The X-CivicMail-Signature format the webmail and scripts parse. */
class SignatureVerdictTest {
    static final Instant SIGNED = Instant.parse("2026-11-29T08:15:30.123Z");

    @Test
    void validNoneAndUnchecked() {
        assertThat(SignatureVerdict.valid("tax@gov.test", BigInteger.valueOf(0xabc), SIGNED).headerValue())
            .isEqualTo("valid; signer=\"tax@gov.test\"; serial=abc; signed-at=2026-11-29T08:15:30Z");
        assertThat(SignatureVerdict.none().headerValue()).isEqualTo("none");
        assertThat(SignatureVerdict.valid("a@b.test", BigInteger.ONE, SIGNED).withRevocationUnchecked().headerValue())
            .isEqualTo("valid; signer=\"a@b.test\"; serial=1; signed-at=2026-11-29T08:15:30Z; revocation=unchecked");
    }

    @Test
    void invalidCarriesReasonRevocationTimeAndAHeaderSafeDetail() {
        SignatureVerdict revoked = SignatureVerdict.invalid(SignatureVerdict.Reason.REVOKED, "revoked on 2026-11-29 \"key\"\r\nX-Injected: 1")
            .withSigner("tax@gov.test", BigInteger.TEN, SIGNED).withRevokedAt(Instant.parse("2026-11-29T09:00:00Z"));
        assertThat(revoked.headerValue()).isEqualTo("invalid; reason=revoked; signer=\"tax@gov.test\"; serial=a; "
            + "signed-at=2026-11-29T08:15:30Z; revoked-at=2026-11-29T09:00:00Z; detail=\"revoked on 2026-11-29 'key'''X-Injected: 1\"");
        assertThat(revoked.headerValue()).doesNotContain("\r").doesNotContain("\n");
    }
}

package org.civicmail.verdict;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.civicmail.verdict.SignatureVerdict.Kind;
import org.civicmail.verdict.SignatureVerdict.Reason;
import org.civicmail.verdict.WarningHeader.Warning;
import org.junit.jupiter.api.Test;

/** The one codec of X-CivicMail-Signature / X-CivicMail-Warning: exact text out, the same verdict back in. */
class VerdictHeaderTest {
    static final Instant SIGNED = Instant.parse("2026-11-29T08:15:30.123Z");

    @Test
    void validAndNoneKeepTodaysGrammar() {
        assertThat(SignatureVerdict.valid("tax@gov.test", BigInteger.valueOf(0xabc), SIGNED).headerValue())
            .isEqualTo("valid; signer=\"tax@gov.test\"; serial=abc; signed-at=2026-11-29T08:15:30Z");
        assertThat(SignatureVerdict.none().headerValue()).isEqualTo("none");
    }

    @Test
    void validButUnprotectedHeadersAndUnknownRevocationSaySo() {
        SignatureVerdict v = SignatureVerdict.valid("a@b.test", BigInteger.ONE, SIGNED).withHeadersUnprotected().withRevocationUnknown();
        assertThat(v.headerValue())
            .isEqualTo("valid; signer=\"a@b.test\"; serial=1; signed-at=2026-11-29T08:15:30Z; headers=unprotected; revocation=unknown");
        assertThat(v.isValid()).isTrue();
        assertThat(v.isFullyValid()).isFalse();
        assertThat(VerdictHeader.parse(v.headerValue()).orElseThrow().headerValue()).isEqualTo(v.headerValue());
    }

    @Test
    void headerMismatchNamesEveryChangedField() {
        SignatureVerdict v = SignatureVerdict.invalid(Reason.HEADER_MISMATCH, "the signed copy of Subject, To differs")
            .withChangedHeaders(List.of("To", "Subject")).withSigner("tax@gov.test", BigInteger.TEN, SIGNED);
        assertThat(v.headerValue()).isEqualTo("invalid; reason=header-mismatch; header=\"To,Subject\"; signer=\"tax@gov.test\"; "
            + "serial=a; signed-at=2026-11-29T08:15:30Z; detail=\"the signed copy of Subject, To differs\"");
        SignatureVerdict parsed = VerdictHeader.parse(v.headerValue()).orElseThrow();
        assertThat(parsed.reason()).contains(Reason.HEADER_MISMATCH);
        assertThat(parsed.changedHeaders()).containsExactly("To", "Subject");
    }

    @Test
    void invalidCarriesReasonRevocationTimeAndAHeaderSafeDetail() {
        // Attack: certificate or message text that tries to end the header and inject another one.
        SignatureVerdict revoked = SignatureVerdict.invalid(Reason.REVOKED, "revoked on 2026-11-29 \"key\"\r\nX-Injected: 1")
            .withSigner("tax@gov.test", BigInteger.TEN, SIGNED).withRevokedAt(Instant.parse("2026-11-29T09:00:00Z"));
        assertThat(revoked.headerValue()).isEqualTo("invalid; reason=revoked; signer=\"tax@gov.test\"; serial=a; "
            + "signed-at=2026-11-29T08:15:30Z; revoked-at=2026-11-29T09:00:00Z; detail=\"revoked on 2026-11-29 'key'''X-Injected: 1\"");
        SignatureVerdict parsed = VerdictHeader.parse(revoked.headerValue()).orElseThrow();
        assertThat(parsed.revokedAt()).contains(Instant.parse("2026-11-29T09:00:00Z"));
        assertThat(parsed.serial()).contains(BigInteger.TEN);
        assertThat(parsed.detail()).isEqualTo("revoked on 2026-11-29 'key'''X-Injected: 1");
    }

    @Test
    void everyReasonWordRoundTrips() {
        for (Reason r : Reason.values()) {
            assertThat(VerdictHeader.parse("invalid; reason=" + r.token()).orElseThrow().reason()).contains(r);
        }
    }

    @Test
    void olderServersUncheckedReadsAsUnknownAndFoldingIsUndone() {
        assertThat(VerdictHeader.parse("valid; signer=\"a@b\"; serial=1;\r\n signed-at=2026-11-29T08:15:30Z; revocation=unchecked")
            .orElseThrow().revocationUnknown()).isTrue();
        assertThat(VerdictHeader.parse("valid; serial=0A1B").orElseThrow().serial()).contains(BigInteger.valueOf(0xa1b));
        assertThat(VerdictHeader.parse("invalid; reason=revoked; revoked-at=2026-03-01T08:00:00+08:00").orElseThrow().revokedAt())
            .contains(Instant.parse("2026-03-01T00:00:00Z"));
    }

    @Test
    void whatIsNotAVerdictIsNotReadAsOne() {
        // Attack: a word the reader does not know must not fall back to something milder.
        assertThat(VerdictHeader.parse("maybe; x=y")).isEmpty();
        assertThat(VerdictHeader.parse("invalid; reason=fine")).isEmpty();
        assertThat(VerdictHeader.parse("valid; serial=zz")).isEmpty();
        assertThat(VerdictHeader.parse("valid; signer=\"a\"; signer=\"b\"")).isEmpty();
        assertThat(VerdictHeader.parse(null)).isEmpty();
        assertThat(VerdictHeader.parse(" ")).isEmpty();
        assertThat(VerdictHeader.parse("NONE").orElseThrow().kind()).isEqualTo(Kind.NONE);
    }

    @Test
    void warningsAreACommaList() {
        assertThat(WarningHeader.format(EnumSet.of(Warning.DISPLAY_NAME_IMPERSONATION, Warning.UNSIGNED_OFFICIAL_SENDER)))
            .isEqualTo("unsigned-official-sender, display-name-impersonation");
        assertThat(WarningHeader.parse("display-name-impersonation,UNSIGNED-official-sender, other"))
            .isEqualTo(Set.of(Warning.DISPLAY_NAME_IMPERSONATION, Warning.UNSIGNED_OFFICIAL_SENDER));
        assertThat(WarningHeader.parse(null)).isEmpty();
    }
}

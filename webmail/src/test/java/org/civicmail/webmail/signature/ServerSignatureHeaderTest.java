package org.civicmail.webmail.signature;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.civicmail.webmail.signature.SignatureVerdict.Kind;
import org.civicmail.webmail.signature.SignatureVerdict.Reason;
import org.junit.jupiter.api.Test;

class ServerSignatureHeaderTest {

    @Test
    void parsesValid() {
        var h = ServerSignatureHeader.parse("valid; signer=\"billing@water.city.test\"; serial=0A1B; signed-at=2026-05-01T10:00:00Z");
        assertEquals(Kind.VALID, h.kind());
        assertEquals("billing@water.city.test", h.signer());
        assertEquals("0A1B", h.serialHex());
        assertEquals(Instant.parse("2026-05-01T10:00:00Z"), h.signedAt());
    }

    @Test
    void parsesRevokedWithQuotedSemicolonInDetail() {
        var h = ServerSignatureHeader.parse("invalid; reason=revoked; detail=\"key lost; replaced\"; revoked-at=2026-03-01T08:00:00+08:00");
        assertEquals(Kind.INVALID, h.kind());
        assertEquals(Reason.REVOKED, h.reason());
        assertEquals("key lost; replaced", h.detail());
        assertEquals(Instant.parse("2026-03-01T00:00:00Z"), h.revokedAt());
    }

    @Test
    void reasonTokensMatchTheMailServers() {
        for (String token : new String[] {"tampered", "revoked", "expired", "unknown-ca", "from-mismatch", "bad-key-usage", "malformed"}) {
            assertEquals(token, ServerSignatureHeader.parse("invalid; reason=" + token).reason().token());
        }
        assertEquals(Reason.NOT_FOR_EMAIL, ServerSignatureHeader.parse("invalid; reason=bad-key-usage").reason());
    }

    @Test
    void parsesNoneAndRejectsNonsense() {
        assertEquals(Kind.UNSIGNED, ServerSignatureHeader.parse("none").kind());
        assertNull(ServerSignatureHeader.parse("maybe; x=y"));
        assertNull(ServerSignatureHeader.parse(null));
    }

    @Test
    void disagreementIsKindReasonOrSerial() {
        var valid = new SignatureVerdict(Kind.VALID, null, null, "n", "o", "e", "A1B", null, null, true);
        assertFalse(ServerSignatureHeader.parse("valid; serial=0a1b").disagreesWith(valid));
        assertTrue(ServerSignatureHeader.parse("valid; serial=FFFF").disagreesWith(valid));
        assertTrue(ServerSignatureHeader.parse("none").disagreesWith(valid));
        var tampered = new SignatureVerdict(Kind.INVALID, Reason.TAMPERED, null, null, null, null, null, null, null, false);
        assertFalse(ServerSignatureHeader.parse("invalid; reason=tampered").disagreesWith(tampered));
        assertTrue(ServerSignatureHeader.parse("invalid; reason=revoked").disagreesWith(tampered));
    }
}

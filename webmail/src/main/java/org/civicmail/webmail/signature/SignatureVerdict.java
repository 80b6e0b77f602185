package org.civicmail.webmail.signature;

import java.time.Instant;
import java.util.Objects;

/**
 * What the webmail itself concluded about one message's S/MIME signature. Immutable.
 *
 * @param kind        valid, invalid or unsigned
 * @param reason      why it is invalid; {@code null} unless kind is INVALID
 * @param detail      technical detail for the curious (never shown instead of the plain reason)
 * @param signerName  certificate subject CN, or {@code null} when no certificate could be read
 * @param organisation certificate subject O, or {@code null}
 * @param signerEmail the certificate's rfc822Name, or {@code null}
 * @param serialHex   certificate serial in upper-case hex, or {@code null}
 * @param signedAt    CMS signing-time attribute, or {@code null}
 * @param revokedAt   when the certificate was revoked (reason REVOKED only)
 * @param revocationChecked whether OCSP/CRL gave an answer (false: not configured or unreachable)
 */
public record SignatureVerdict(Kind kind, Reason reason, String detail, String signerName, String organisation,
                               String signerEmail, String serialHex, Instant signedAt, Instant revokedAt,
                               boolean revocationChecked) {

    public enum Kind { VALID, INVALID, UNSIGNED }

    /** Why a signature is not valid; {@link #token()} is the reason word used in X-CivicMail-Signature. */
    public enum Reason {
        TAMPERED("tampered"), REVOKED("revoked"), EXPIRED("expired"), UNKNOWN_CA("unknown-ca"),
        FROM_MISMATCH("from-mismatch"), NOT_FOR_EMAIL("bad-key-usage"), MALFORMED("malformed");

        private final String token;

        Reason(String token) { this.token = token; }

        public String token() { return token; }

        /** @return the reason for a header token, or MALFORMED for an unknown word */
        public static Reason fromToken(String token) {
            for (Reason r : values()) {
                if (r.token.equalsIgnoreCase(token)) {
                    return r;
                }
            }
            return MALFORMED;
        }
    }

    public SignatureVerdict {
        Objects.requireNonNull(kind, "kind");
        if ((kind == Kind.INVALID) != (reason != null)) {
            throw new IllegalArgumentException("reason must be set exactly when kind is INVALID, got " + kind + "/" + reason);
        }
    }

    public static SignatureVerdict unsigned() {
        return new SignatureVerdict(Kind.UNSIGNED, null, null, null, null, null, null, null, null, false);
    }

    public static SignatureVerdict malformed(String detail) {
        return new SignatureVerdict(Kind.INVALID, Reason.MALFORMED, detail, null, null, null, null, null, null, false);
    }

    public boolean isValid() { return kind == Kind.VALID; }
}

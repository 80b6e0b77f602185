package org.civicmail.verdict;

import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The outcome of checking one message's S/MIME signature. Immutable. Its one text form is the
 * {@code X-CivicMail-Signature} header written by {@link VerdictHeader#format} and read by {@link VerdictHeader#parse};
 * {@link #headerValue()} is a shortcut for the former.
 *
 * @param kind               valid, invalid or none (not signed)
 * @param reason             why it is invalid; present exactly when kind is INVALID
 * @param signer             the signer's e-mail address (certificate rfc822Name, else subject emailAddress)
 * @param serial             the signer certificate's serial number
 * @param signedAt           the CMS signingTime attribute (what the sender claims; never used to judge validity)
 * @param revokedAt          when the certificate was revoked (reason REVOKED)
 * @param changedHeaders     the protected header fields that differ from the outer ones (reason HEADER_MISMATCH)
 * @param headersUnprotected a valid signature that does not cover Subject, To, ... (no RFC 9788 header protection)
 * @param revocationUnknown  a valid signature whose certificate's revocation status could not be learned
 * @param detail             specifics for the curious; written for invalid verdicts only
 * @param signerName         certificate subject CN (in memory only; not part of the header)
 * @param organisation       certificate subject O (in memory only; not part of the header)
 */
public record SignatureVerdict(Kind kind, Optional<Reason> reason, Optional<String> signer, Optional<BigInteger> serial,
                               Optional<Instant> signedAt, Optional<Instant> revokedAt, List<String> changedHeaders,
                               boolean headersUnprotected, boolean revocationUnknown, String detail,
                               Optional<String> signerName, Optional<String> organisation) {

    public enum Kind { VALID, INVALID, NONE }

    /** Why a signature is not valid; {@link #token()} is the word in the header. */
    public enum Reason {
        TAMPERED("tampered"), REVOKED("revoked"), EXPIRED("expired"), UNKNOWN_CA("unknown-ca"),
        FROM_MISMATCH("from-mismatch"), BAD_KEY_USAGE("bad-key-usage"), MALFORMED("malformed"),
        HEADER_MISMATCH("header-mismatch");

        private final String token;

        Reason(String token) {
            this.token = token;
        }

        public String token() {
            return token;
        }

        /** @return the reason named by a header token, empty for a word this version does not know */
        public static Optional<Reason> ofToken(String token) {
            for (Reason r : values()) {
                if (r.token.equalsIgnoreCase(token)) {
                    return Optional.of(r);
                }
            }
            return Optional.empty();
        }
    }

    public SignatureVerdict {
        if ((kind == Kind.INVALID) != reason.isPresent()) {
            throw new IllegalArgumentException("a reason is given exactly for invalid verdicts, got " + kind + " / " + reason);
        }
        changedHeaders = List.copyOf(changedHeaders);
        detail = detail == null ? "" : detail;
    }

    public static SignatureVerdict none() {
        return new SignatureVerdict(Kind.NONE, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), List.of(), false, false, "", Optional.empty(), Optional.empty());
    }

    public static SignatureVerdict valid(String signer, BigInteger serial, Instant signedAt) {
        return new SignatureVerdict(Kind.VALID, Optional.empty(), Optional.of(signer), Optional.of(serial),
            Optional.ofNullable(signedAt), Optional.empty(), List.of(), false, false, "", Optional.empty(), Optional.empty());
    }

    public static SignatureVerdict invalid(Reason reason, String detail) {
        return new SignatureVerdict(Kind.INVALID, Optional.of(reason), Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), List.of(), false, false, detail, Optional.empty(), Optional.empty());
    }

    public SignatureVerdict withSigner(String address, BigInteger serialNumber, Instant signed) {
        return new SignatureVerdict(kind, reason, Optional.ofNullable(address), Optional.ofNullable(serialNumber),
            Optional.ofNullable(signed), revokedAt, changedHeaders, headersUnprotected, revocationUnknown, detail,
            signerName, organisation);
    }

    public SignatureVerdict withNames(String commonName, String organisationName) {
        return new SignatureVerdict(kind, reason, signer, serial, signedAt, revokedAt, changedHeaders, headersUnprotected,
            revocationUnknown, detail, Optional.ofNullable(commonName), Optional.ofNullable(organisationName));
    }

    public SignatureVerdict withRevokedAt(Instant at) {
        return new SignatureVerdict(kind, reason, signer, serial, signedAt, Optional.of(at), changedHeaders,
            headersUnprotected, revocationUnknown, detail, signerName, organisation);
    }

    public SignatureVerdict withChangedHeaders(List<String> names) {
        return new SignatureVerdict(kind, reason, signer, serial, signedAt, revokedAt, names, headersUnprotected,
            revocationUnknown, detail, signerName, organisation);
    }

    /** Valid, but Subject, To, Date ... are outside the signature (the sender's client did not protect them). */
    public SignatureVerdict withHeadersUnprotected() {
        return new SignatureVerdict(kind, reason, signer, serial, signedAt, revokedAt, changedHeaders, true,
            revocationUnknown, detail, signerName, organisation);
    }

    /** Valid as far as could be checked, but no one answered whether the certificate is revoked. */
    public SignatureVerdict withRevocationUnknown() {
        return new SignatureVerdict(kind, reason, signer, serial, signedAt, revokedAt, changedHeaders, headersUnprotected,
            true, detail, signerName, organisation);
    }

    public boolean isValid() {
        return kind == Kind.VALID;
    }

    /** Valid with nothing left unchecked: protected headers and a known revocation status. */
    public boolean isFullyValid() {
        return kind == Kind.VALID && !headersUnprotected && !revocationUnknown;
    }

    public String headerValue() {
        return VerdictHeader.format(this);
    }
}

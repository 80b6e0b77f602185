package org.civicmail.smime;

import java.math.BigInteger;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * The outcome of checking a message's S/MIME signature, and its {@code X-CivicMail-Signature} header form:
 * {@code valid; signer="ADDR"; serial=HEX; signed-at=ISO}, {@code invalid; reason=R; detail="..."[; revoked-at=ISO]}
 * or {@code none}. The webmail and scripts parse this header; keep the format stable.
 */
public record SignatureVerdict(Kind kind, Optional<Reason> reason, Optional<String> signer, Optional<BigInteger> serial,
                               Optional<Instant> signedAt, Optional<Instant> revokedAt, String detail, boolean revocationUnchecked) {

    public static final String HEADER = "X-CivicMail-Signature";
    public static final String WARNING_HEADER = "X-CivicMail-Warning";
    public static final String UNSIGNED_OFFICIAL_WARNING = "unsigned-official-sender";

    public enum Kind { VALID, INVALID, NONE }

    /** Why a signature is not valid, in words a person understands (detail adds specifics). */
    public enum Reason {
        TAMPERED("tampered"), REVOKED("revoked"), EXPIRED("expired"), UNKNOWN_CA("unknown-ca"),
        FROM_MISMATCH("from-mismatch"), BAD_KEY_USAGE("bad-key-usage"), MALFORMED("malformed");

        private final String token;

        Reason(String token) {
            this.token = token;
        }

        public String token() {
            return token;
        }
    }

    public static SignatureVerdict none() {
        return new SignatureVerdict(Kind.NONE, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), "the message is not signed", false);
    }

    public static SignatureVerdict valid(String signer, BigInteger serial, Instant signedAt) {
        return new SignatureVerdict(Kind.VALID, Optional.empty(), Optional.of(signer), Optional.of(serial),
            Optional.of(signedAt), Optional.empty(), "", false);
    }

    public static SignatureVerdict invalid(Reason reason, String detail) {
        return new SignatureVerdict(Kind.INVALID, Optional.of(reason), Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), detail, false);
    }

    public SignatureVerdict withSigner(String address, BigInteger serialNumber, Instant signed) {
        return new SignatureVerdict(kind, reason, Optional.ofNullable(address), Optional.ofNullable(serialNumber),
            Optional.ofNullable(signed), revokedAt, detail, revocationUnchecked);
    }

    public SignatureVerdict withRevokedAt(Instant at) {
        return new SignatureVerdict(kind, reason, signer, serial, signedAt, Optional.of(at), detail, revocationUnchecked);
    }

    /** The signer's CA could not be asked (CRL unreachable): valid as far as could be checked, and the header says so. */
    public SignatureVerdict withRevocationUnchecked() {
        return new SignatureVerdict(kind, reason, signer, serial, signedAt, revokedAt, detail, true);
    }

    public boolean isValid() {
        return kind == Kind.VALID;
    }

    public String headerValue() {
        StringBuilder h = new StringBuilder();
        switch (kind) {
            case NONE -> h.append("none");
            case VALID -> h.append("valid");
            case INVALID -> h.append("invalid; reason=").append(reason.orElseThrow().token());
        }
        signer.ifPresent(s -> h.append("; signer=\"").append(quote(s)).append('"'));
        serial.ifPresent(s -> h.append("; serial=").append(s.toString(16)));
        signedAt.ifPresent(t -> h.append("; signed-at=").append(iso(t)));
        revokedAt.ifPresent(t -> h.append("; revoked-at=").append(iso(t)));
        if (revocationUnchecked) {
            h.append("; revocation=unchecked");
        }
        if (kind == Kind.INVALID && !detail.isEmpty()) {
            h.append("; detail=\"").append(quote(detail)).append('"');
        }
        return h.toString();
    }

    private static String iso(Instant t) {
        return DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(ChronoUnit.SECONDS));
    }

    /** Header-safe: no quotes, backslashes or line breaks from certificate data. */
    private static String quote(String s) {
        return s.replaceAll("[\"\\\\\\r\\n]", "'");
    }
}

package org.civicmail.verdict;

import java.math.BigInteger;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The one encoder and parser of {@code X-CivicMail-Signature}, the verdict the mail server records on every
 * delivered message and the webmail and scripts read. Grammar (README "Signature verdicts"):
 * <pre>
 * value    = "none"
 *          / "valid" signer [ "; headers=unprotected" ] [ "; revocation=unknown" ]
 *          / "invalid; reason=" REASON [ "; header=" DQUOTE NAME *("," NAME) DQUOTE ] [ signer ]
 *                     [ "; revoked-at=" ISO-INSTANT ] [ "; detail=" QUOTED ]
 * signer   = "; signer=" QUOTED "; serial=" HEX [ "; signed-at=" ISO-INSTANT ]
 * REASON   = tampered / revoked / expired / unknown-ca / from-mismatch / bad-key-usage / malformed / header-mismatch
 * </pre>
 * Quoted values never contain {@code "}, {@code \} or line breaks (they are replaced by {@code '} when written).
 */
public final class VerdictHeader {
    public static final String NAME = "X-CivicMail-Signature";

    private VerdictHeader() {
    }

    public static String format(SignatureVerdict v) {
        StringBuilder h = new StringBuilder();
        switch (v.kind()) {
            case NONE -> h.append("none");
            case VALID -> h.append("valid");
            case INVALID -> h.append("invalid; reason=").append(v.reason().orElseThrow().token());
        }
        if (!v.changedHeaders().isEmpty()) {
            h.append("; header=\"").append(quote(String.join(",", v.changedHeaders()))).append('"');
        }
        v.signer().ifPresent(s -> h.append("; signer=\"").append(quote(s)).append('"'));
        v.serial().ifPresent(s -> h.append("; serial=").append(s.toString(16)));
        v.signedAt().ifPresent(t -> h.append("; signed-at=").append(iso(t)));
        v.revokedAt().ifPresent(t -> h.append("; revoked-at=").append(iso(t)));
        if (v.headersUnprotected()) {
            h.append("; headers=unprotected");
        }
        if (v.revocationUnknown()) {
            h.append("; revocation=unknown");
        }
        if (v.kind() == SignatureVerdict.Kind.INVALID && !v.detail().isEmpty()) {
            h.append("; detail=\"").append(quote(v.detail())).append('"');
        }
        return h.toString();
    }

    /**
     * Reads a header value written by {@link #format} (or by an older server: {@code revocation=unchecked} reads as
     * unknown). Lenient in spacing and case, strict in meaning.
     *
     * @return empty when the value is absent or not a verdict (an unknown kind or reason word, a bad serial or time)
     */
    public static Optional<SignatureVerdict> parse(String value) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        List<String> parts = splitParams(value.replaceAll("\\r?\\n[ \\t]", " ").trim());
        Map<String, String> params = new LinkedHashMap<>();
        for (String part : parts.subList(1, parts.size())) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                return Optional.empty();
            }
            String v = part.substring(eq + 1).trim();
            if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
                v = v.substring(1, v.length() - 1);
            }
            if (params.putIfAbsent(part.substring(0, eq).trim().toLowerCase(Locale.ROOT), v) != null) {
                return Optional.empty();
            }
        }
        SignatureVerdict verdict;
        switch (parts.get(0).trim().toLowerCase(Locale.ROOT)) {
            case "none" -> verdict = SignatureVerdict.none();
            case "valid" -> verdict = new SignatureVerdict(SignatureVerdict.Kind.VALID, Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), List.of(), false, false, "", Optional.empty(), Optional.empty());
            case "invalid" -> {
                Optional<SignatureVerdict.Reason> reason = SignatureVerdict.Reason.ofToken(params.getOrDefault("reason", ""));
                if (reason.isEmpty()) {
                    return Optional.empty();
                }
                verdict = SignatureVerdict.invalid(reason.get(), params.getOrDefault("detail", ""));
            }
            default -> {
                return Optional.empty();
            }
        }
        try {
            BigInteger serial = params.containsKey("serial") ? new BigInteger(params.get("serial"), 16) : null;
            verdict = verdict.withSigner(params.get("signer"), serial, instant(params.get("signed-at")));
            if (params.containsKey("revoked-at")) {
                verdict = verdict.withRevokedAt(instant(params.get("revoked-at")));
            }
        } catch (NumberFormatException | DateTimeParseException e) {
            return Optional.empty();
        }
        if (params.containsKey("header")) {
            List<String> names = new ArrayList<>();
            for (String n : params.get("header").split(",")) {
                if (!n.isBlank()) {
                    names.add(n.trim());
                }
            }
            verdict = verdict.withChangedHeaders(names);
        }
        if ("unprotected".equalsIgnoreCase(params.get("headers"))) {
            verdict = verdict.withHeadersUnprotected();
        }
        String revocation = params.get("revocation");
        if ("unknown".equalsIgnoreCase(revocation) || "unchecked".equalsIgnoreCase(revocation)) {
            verdict = verdict.withRevocationUnknown();
        }
        return Optional.of(verdict);
    }

    private static Instant instant(String iso) {
        if (iso == null) {
            return null;
        }
        try {
            return Instant.parse(iso);
        } catch (DateTimeParseException e) {
            return java.time.OffsetDateTime.parse(iso).toInstant();
        }
    }

    /** Splits on ';' outside double quotes. */
    private static List<String> splitParams(String value) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == ';' && !quoted) {
                out.add(current.toString());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        out.add(current.toString());
        return out;
    }

    private static String iso(Instant t) {
        return DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(ChronoUnit.SECONDS));
    }

    /** Header-safe: no quotes, backslashes or line breaks from certificate or message data. */
    private static String quote(String s) {
        return s.replaceAll("[\"\\\\\\r\\n]", "'");
    }
}

package org.civicmail.webmail.signature;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The mail server's own verdict, parsed from
 * {@code X-CivicMail-Signature: valid; signer="ADDR"; serial=HEX; signed-at=ISO-8601},
 * {@code invalid; reason=WORD; detail="..."[; revoked-at=ISO-8601]} or {@code none}.
 * Shown next to the webmail's verdict, never instead of it.
 */
public record ServerSignatureHeader(SignatureVerdict.Kind kind, SignatureVerdict.Reason reason, String signer,
                                    String serialHex, Instant signedAt, Instant revokedAt, String detail) {

    public static final String NAME = "X-CivicMail-Signature";
    public static final String WARNING_NAME = "X-CivicMail-Warning";
    public static final String UNSIGNED_OFFICIAL = "unsigned-official-sender";

    /** @return the parsed header, or {@code null} when the value is absent or not understood */
    public static ServerSignatureHeader parse(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String[] parts = splitParams(value.trim());
        String verdict = parts[0].trim().toLowerCase(Locale.ROOT);
        Map<String, String> params = new HashMap<>();
        for (int i = 1; i < parts.length; i++) {
            int eq = parts[i].indexOf('=');
            if (eq > 0) {
                String v = parts[i].substring(eq + 1).trim();
                if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
                    v = v.substring(1, v.length() - 1).replace("\\\"", "\"");
                }
                params.put(parts[i].substring(0, eq).trim().toLowerCase(Locale.ROOT), v);
            }
        }
        SignatureVerdict.Kind kind;
        switch (verdict) {
            case "valid" -> kind = SignatureVerdict.Kind.VALID;
            case "invalid" -> kind = SignatureVerdict.Kind.INVALID;
            case "none" -> kind = SignatureVerdict.Kind.UNSIGNED;
            default -> { return null; }
        }
        SignatureVerdict.Reason reason = kind == SignatureVerdict.Kind.INVALID
                ? SignatureVerdict.Reason.fromToken(params.getOrDefault("reason", "malformed")) : null;
        return new ServerSignatureHeader(kind, reason, params.get("signer"), params.get("serial"),
                instant(params.get("signed-at")), instant(params.get("revoked-at")), params.get("detail"));
    }

    /** @return true when the server's verdict and the webmail's verdict say different things */
    public boolean disagreesWith(SignatureVerdict own) {
        if (kind != own.kind()) {
            return true;
        }
        if (kind == SignatureVerdict.Kind.INVALID) {
            return reason != own.reason();
        }
        if (kind == SignatureVerdict.Kind.VALID && serialHex != null && own.serialHex() != null) {
            return !serialHex.replaceFirst("^0+", "").equalsIgnoreCase(own.serialHex().replaceFirst("^0+", ""));
        }
        return false;
    }

    /** Splits on ';' outside double quotes. */
    private static String[] splitParams(String value) {
        var out = new java.util.ArrayList<String>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' && quoted && i + 1 < value.length()) {
                cur.append(c).append(value.charAt(++i));
                continue;
            }
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == ';' && !quoted) {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out.toArray(new String[0]);
    }

    private static Instant instant(String iso) {
        if (iso == null) {
            return null;
        }
        try {
            return Instant.parse(iso);
        } catch (DateTimeParseException e) {
            try {
                return java.time.OffsetDateTime.parse(iso).toInstant();
            } catch (DateTimeParseException e2) {
                return null;
            }
        }
    }
}

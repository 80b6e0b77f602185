package org.civicmail.webmail.trust;

import java.util.Locale;
import java.util.Set;
import org.civicmail.verdict.SignatureVerdict;
import org.civicmail.verdict.VerdictHeader;
import org.civicmail.verdict.WarningHeader;

/**
 * What the list row and the top of a message say about trust, taken from the mail server's verdict headers
 * ({@code X-CivicMail-Signature}, {@code X-CivicMail-Warning}); the webmail does not judge the message again.
 * The only addition is the configured official domain: unsigned mail claiming it is flagged even when a header is
 * missing (a warning can only be added that way, never removed).
 *
 * @param state  VERIFIED, UNVERIFIED or PLAIN (ordinary unsigned mail, no claim to check)
 * @param cause  for UNVERIFIED, why; else {@code null}
 * @param signer for VERIFIED, the signer address the server confirmed; else {@code null}
 * @param serial for VERIFIED, the certificate serial the server names (hex), or {@code null}
 */
public record TrustLine(State state, Cause cause, String signer, String serial) {

    public enum State { VERIFIED, UNVERIFIED, PLAIN }

    /** Why a message is not verified, worst first. */
    public enum Cause { IMPERSONATION, BAD_SIGNATURE, OFFICIAL_UNSIGNED }

    /**
     * @param signatureHeader the X-CivicMail-Signature value or {@code null}
     * @param warningHeader   the X-CivicMail-Warning values (comma separated) or {@code null}
     * @param fromAddress     the From address as shown
     * @param officialDomain  the configured official domain or {@code null}
     */
    public static TrustLine of(String signatureHeader, String warningHeader, String fromAddress, String officialDomain) {
        Set<WarningHeader.Warning> warnings = WarningHeader.parse(warningHeader);
        SignatureVerdict server = VerdictHeader.parse(signatureHeader).orElse(null);
        if (warnings.contains(WarningHeader.Warning.DISPLAY_NAME_IMPERSONATION)) {
            return new TrustLine(State.UNVERIFIED, Cause.IMPERSONATION, null, null);
        }
        if (server != null && server.kind() == SignatureVerdict.Kind.VALID) {
            return new TrustLine(State.VERIFIED, null, server.signer().orElse(null),
                    server.serial().map(s -> s.toString(16)).orElse(null));
        }
        if (server != null && server.kind() == SignatureVerdict.Kind.INVALID) {
            return new TrustLine(State.UNVERIFIED, Cause.BAD_SIGNATURE, null, null);
        }
        if (warnings.contains(WarningHeader.Warning.UNSIGNED_OFFICIAL_SENDER) || inOfficialDomain(fromAddress, officialDomain)) {
            return new TrustLine(State.UNVERIFIED, Cause.OFFICIAL_UNSIGNED, null, null);
        }
        return new TrustLine(State.PLAIN, null, null, null);
    }

    private static boolean inOfficialDomain(String address, String officialDomain) {
        if (officialDomain == null || address == null || address.indexOf('@') < 0) {
            return false;
        }
        String domain = address.substring(address.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
        String official = officialDomain.toLowerCase(Locale.ROOT);
        return domain.equals(official) || domain.endsWith("." + official);
    }

    /** css word for the badge */
    public String css() {
        return state.name().toLowerCase(Locale.ROOT);
    }
}

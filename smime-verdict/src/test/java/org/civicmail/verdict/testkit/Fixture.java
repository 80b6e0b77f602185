package org.civicmail.verdict.testkit;

import java.util.List;

import org.civicmail.verdict.SignatureVerdict;

/**
 * One message of the attack corpus with the verdict the verifier must reach.
 *
 * @param name     file-name-safe name
 * @param attack   what the message tries (one line)
 * @param raw      the message bytes
 * @param expected the verdict header the verifier must produce, as kind/reason/flags
 * @param crypto   what an independent CMS implementation says of the signature itself (digest and signature value)
 */
public record Fixture(String name, String attack, byte[] raw, Expected expected, Crypto crypto) {

    public enum Crypto {
        /** The signature over the signed bytes verifies. */
        INTACT,
        /** The digest or signature does not match. */
        BROKEN,
        /** The signature over part 1 verifies, but the MIME structure around it is so wrong that openssl refuses to read it. */
        STRUCTURE_REFUSED,
        /** Nothing for a CMS tool to judge at top level (not a signed message). */
        NOT_SIGNED
    }

    /** Expected verdict: kind, reason, changed header names and the two "valid, but" flags. */
    public record Expected(SignatureVerdict.Kind kind, SignatureVerdict.Reason reason, List<String> changedHeaders,
                           boolean headersUnprotected, boolean revocationUnknown) {

        public static Expected valid() {
            return new Expected(SignatureVerdict.Kind.VALID, null, List.of(), false, false);
        }

        public static Expected validUnprotected() {
            return new Expected(SignatureVerdict.Kind.VALID, null, List.of(), true, false);
        }

        public static Expected none() {
            return new Expected(SignatureVerdict.Kind.NONE, null, List.of(), false, false);
        }

        public static Expected invalid(SignatureVerdict.Reason reason) {
            return new Expected(SignatureVerdict.Kind.INVALID, reason, List.of(), false, false);
        }

        public Expected changed(String... names) {
            return new Expected(kind, reason, List.of(names), headersUnprotected, revocationUnknown);
        }

        public Expected andRevocationUnknown() {
            return new Expected(kind, reason, changedHeaders, headersUnprotected, true);
        }

        public boolean matches(SignatureVerdict v) {
            return v.kind() == kind && v.reason().orElse(null) == reason && v.changedHeaders().equals(changedHeaders)
                && v.headersUnprotected() == headersUnprotected && v.revocationUnknown() == revocationUnknown;
        }
    }
}

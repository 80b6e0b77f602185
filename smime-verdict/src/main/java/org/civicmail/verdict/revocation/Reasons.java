package org.civicmail.verdict.revocation;

/** RFC 5280 CRLReason codes by name, as the verdict's detail shows them. */
final class Reasons {
    private static final String[] NAMES = {"unspecified", "keyCompromise", "cACompromise", "affiliationChanged",
        "superseded", "cessationOfOperation", "certificateHold", null, "removeFromCRL", "privilegeWithdrawn", "aACompromise"};

    private Reasons() {
    }

    static String name(int code) {
        return code >= 0 && code < NAMES.length && NAMES[code] != null ? NAMES[code] : "reason " + code;
    }
}

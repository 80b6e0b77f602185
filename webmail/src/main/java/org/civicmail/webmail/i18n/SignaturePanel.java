package org.civicmail.webmail.i18n;

import java.util.List;

/**
 * What the message page shows above the body. Plain strings only; the template escapes them.
 *
 * @param state     css state word: {@code valid}, {@code invalid} or {@code unsigned}
 * @param headline  one short sentence
 * @param reason    for invalid signatures, the reason in plain words; else {@code null}
 * @param facts     label/value pairs (signer, organisation, serial, signed at)
 * @param notes     secondary remarks (revocation not checked, server disagrees)
 * @param warning   the unsigned-official-sender warning, or {@code null}
 */
public record SignaturePanel(String state, String headline, String reason, List<Fact> facts, List<String> notes,
                             String warning) {

    public record Fact(String label, String value) {}
}

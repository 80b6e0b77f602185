package org.civicmail.ca;

import java.util.Locale;

/**
 * What a key the CA generates is for, each with its own configurable algorithm ({@link CaConfig#subscriberKey}):
 * the four subscriber classes and the TLS server. The CA's own keys are {@link CaConfig#keyAlgorithm()}.
 */
public enum KeyUse {
    CITIZEN, OFFICIAL, AGENCY, LEGAL_ENTITY, TLS;

    /** The name in configuration keys: citizen, official, agency, legal-entity, tls. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static KeyUse of(Subject subject) {
        return switch (subject.profile()) {
            case CITIZEN -> CITIZEN;
            case OFFICIAL -> OFFICIAL;
            case AGENCY -> AGENCY;
            case LEGAL_ENTITY -> LEGAL_ENTITY;
        };
    }

    /** The use named {@code text} (a configuration key's suffix), or an {@link InvalidInputException} listing the names. */
    public static KeyUse parse(String field, String text) {
        for (KeyUse u : values()) {
            if (u.configName().equals(text)) {
                return u;
            }
        }
        throw new InvalidInputException(field + ": '" + text + "' is not a key use; use citizen, official, agency, legal-entity or tls");
    }
}

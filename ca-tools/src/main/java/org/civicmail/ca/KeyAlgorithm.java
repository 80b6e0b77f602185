package org.civicmail.ca;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;

/**
 * Key types the CA generates: ECDSA P-256 (default), RSA 3072, or RSA 2048 for mailboxes whose correspondents'
 * clients or signing devices still expect it (the smallest size our lint accepts; NIST SP 800-57 allows it to 2030).
 */
public enum KeyAlgorithm {
    EC_P256("SHA256withECDSA", 256),
    RSA_2048("SHA256withRSA", 2048),
    RSA_3072("SHA256withRSA", 3072);

    private final String signatureAlgorithm;
    private final int bits;

    KeyAlgorithm(String signatureAlgorithm, int bits) {
        this.signatureAlgorithm = signatureAlgorithm;
        this.bits = bits;
    }

    /** The name users type, as {@link #parse} accepts it. */
    public String cliName() {
        return switch (this) {
            case EC_P256 -> "ec-p256";
            case RSA_2048 -> "rsa-2048";
            case RSA_3072 -> "rsa-3072";
        };
    }

    public String signatureAlgorithm() {
        return signatureAlgorithm;
    }

    public KeyPair generate() {
        try {
            if (this == EC_P256) {
                KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
                g.initialize(new ECGenParameterSpec("secp256r1"));
                return g.generateKeyPair();
            }
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(bits);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new CaException("cannot generate a " + this + " key pair: " + e.getMessage(), e);
        }
    }

    /** The signature algorithm to use with a private key of the given JCA algorithm name. */
    public static String signatureAlgorithmFor(String keyAlgorithm) {
        return "RSA".equalsIgnoreCase(keyAlgorithm) ? RSA_3072.signatureAlgorithm : EC_P256.signatureAlgorithm;
    }

    /** Accepts ec, ec-p256, p256, rsa, rsa3072, rsa-3072, rsa2048, rsa-2048 (case-insensitive); plain rsa is 3072. */
    public static KeyAlgorithm parse(String field, String text) {
        String t = text == null ? "" : text.trim().toLowerCase(java.util.Locale.ROOT).replace("_", "-");
        switch (t) {
            case "ec": case "ec-p256": case "p256": case "p-256": case "ecdsa":
                return EC_P256;
            case "rsa": case "rsa3072": case "rsa-3072":
                return RSA_3072;
            case "rsa2048": case "rsa-2048":
                return RSA_2048;
            default:
                throw new InvalidInputException(field + " '" + text + "' is not a key algorithm: use ec-p256 (default), rsa-3072 or rsa-2048");
        }
    }
}

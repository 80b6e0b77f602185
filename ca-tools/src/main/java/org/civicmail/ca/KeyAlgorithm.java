package org.civicmail.ca;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;

/** Key types the CA generates: ECDSA P-256 (default) or RSA 3072. */
public enum KeyAlgorithm {
    EC_P256("SHA256withECDSA"),
    RSA_3072("SHA256withRSA");

    private final String signatureAlgorithm;

    KeyAlgorithm(String signatureAlgorithm) {
        this.signatureAlgorithm = signatureAlgorithm;
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
            g.initialize(3072);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new CaException("cannot generate a " + this + " key pair: " + e.getMessage(), e);
        }
    }

    /** The signature algorithm to use with a private key of the given JCA algorithm name. */
    public static String signatureAlgorithmFor(String keyAlgorithm) {
        return "RSA".equalsIgnoreCase(keyAlgorithm) ? RSA_3072.signatureAlgorithm : EC_P256.signatureAlgorithm;
    }

    /** Accepts ec, ec-p256, p256, rsa, rsa3072, rsa-3072 (case-insensitive). */
    public static KeyAlgorithm parse(String field, String text) {
        String t = text == null ? "" : text.trim().toLowerCase(java.util.Locale.ROOT).replace("_", "-");
        switch (t) {
            case "ec": case "ec-p256": case "p256": case "p-256": case "ecdsa":
                return EC_P256;
            case "rsa": case "rsa3072": case "rsa-3072":
                return RSA_3072;
            default:
                throw new InvalidInputException(field + " '" + text + "' is not a key algorithm: use ec-p256 (default) or rsa-3072");
        }
    }
}

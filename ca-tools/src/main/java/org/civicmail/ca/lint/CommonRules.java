package org.civicmail.ca.lint;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSAPublicKey;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.civicmail.ca.profile.CertProfile;
import org.civicmail.ca.profile.CertificateTemplate;

/** Rules every profile shares: validity, key strength, authority key identifier, basic constraints. */
final class CommonRules {
    private static final Set<CertProfile> ALL = EnumSet.allOf(CertProfile.class);
    static final Set<CertProfile> CAS = EnumSet.of(CertProfile.ROOT_CA, CertProfile.ISSUING_CA, CertProfile.SMIME_ISSUING_CA,
            CertProfile.TLS_ISSUING_CA);
    private static final Set<CertProfile> LEAVES = EnumSet.complementOf(EnumSet.copyOf(CAS));
    private static final Set<ASN1ObjectIdentifier> CURVES = Set.of(SECObjectIdentifiers.secp256r1,
            SECObjectIdentifiers.secp384r1, SECObjectIdentifiers.secp521r1);

    private CommonRules() {
    }

    static List<LintRule> all() {
        return List.of(
                LintRule.of("validity.order", "notBefore must be before notAfter", ALL,
                        t -> t.notBefore().isBefore(t.notAfter()) ? Optional.empty()
                                : Optional.of("notBefore " + t.notBefore() + " is not before notAfter " + t.notAfter())),
                LintRule.of("validity.max", "validity at most the profile's maximum (825 days for S/MIME, 397 for TLS) (S/MIME BR §6.3.2; TLS BR §6.3.2)", ALL,
                        CommonRules::validity),
                LintRule.of("key.strength", "RSA keys of at least 2048 bits or ECDSA on P-256, P-384 or P-521 (S/MIME BR §6.1.5)", ALL,
                        t -> keyStrength(t.publicKey())),
                LintRule.of("aki.keyid-only", "authorityKeyIdentifier present, keyIdentifier only, equal to the issuer's key id (S/MIME BR §7.1.2.2, §7.1.2.3; RFC 5280 §4.2.1.1)",
                        EnumSet.complementOf(EnumSet.of(CertProfile.ROOT_CA)), CommonRules::aki),
                LintRule.of("basic-constraints", "basicConstraints critical; cA true only for CA certificates (S/MIME BR §7.1.2.1-§7.1.2.3)", ALL,
                        CommonRules::basicConstraints),
                LintRule.of("ski.ca", "CA certificates carry a subjectKeyIdentifier (S/MIME BR §7.1.2.1, §7.1.2.2; RFC 5280 §4.2.1.2)",
                        CAS, CommonRules::ski),
                LintRule.of("ski.leaf", "end-entity and OCSP signer certificates carry a subjectKeyIdentifier equal to"
                        + " the key's RFC 5280 method-1 id (S/MIME BR §7.1.2.3, §7.1.2.8)", LEAVES, CommonRules::ski),
                LintRule.of("leaf.not-ca", "end-entity certificates have no keyCertSign or cRLSign (S/MIME BR §7.1.2.3)", LEAVES,
                        t -> {
                            var ku = org.bouncycastle.asn1.x509.KeyUsage.fromExtensions(t.extensions());
                            return ku != null && (ku.hasUsages(org.bouncycastle.asn1.x509.KeyUsage.keyCertSign)
                                    || ku.hasUsages(org.bouncycastle.asn1.x509.KeyUsage.cRLSign))
                                    ? Optional.of("keyUsage includes keyCertSign or cRLSign") : Optional.empty();
                        }));
    }

    private static Optional<String> ski(CertificateTemplate t) {
        org.bouncycastle.asn1.x509.SubjectKeyIdentifier ski =
                org.bouncycastle.asn1.x509.SubjectKeyIdentifier.fromExtensions(t.extensions());
        if (ski == null) {
            return Optional.of("subjectKeyIdentifier is missing");
        }
        try {
            byte[] expected = java.security.MessageDigest.getInstance("SHA-1").digest(t.publicKey().getPublicKeyData().getBytes());
            return Arrays.equals(expected, ski.getKeyIdentifier()) ? Optional.empty()
                    : Optional.of("subjectKeyIdentifier does not identify the certificate's public key");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Optional<String> validity(CertificateTemplate t) {
        long seconds = t.validity().getSeconds();
        long max = t.profile().maxValidityDays() * 86400L;
        if (seconds > max) {
            return Optional.of("validity is " + (seconds + 86399) / 86400 + " days, the " + t.profile() + " maximum is "
                    + t.profile().maxValidityDays() + " days");
        }
        return Optional.empty();
    }

    static Optional<String> keyStrength(SubjectPublicKeyInfo spki) {
        ASN1ObjectIdentifier alg = spki.getAlgorithm().getAlgorithm();
        if (PKCSObjectIdentifiers.rsaEncryption.equals(alg)) {
            try {
                BigInteger modulus = RSAPublicKey.getInstance(spki.parsePublicKey()).getModulus();
                return modulus.bitLength() < 2048 ? Optional.of("RSA key has " + modulus.bitLength()
                        + " bits; at least 2048 are required") : Optional.empty();
            } catch (java.io.IOException e) {
                return Optional.of("RSA public key cannot be parsed");
            }
        }
        if (X9ObjectIdentifiers.id_ecPublicKey.equals(alg)) {
            Object params = spki.getAlgorithm().getParameters();
            if (params instanceof ASN1ObjectIdentifier curve && CURVES.contains(curve)) {
                return Optional.empty();
            }
            return Optional.of("EC key uses curve " + params + "; only P-256, P-384 and P-521 are accepted");
        }
        return Optional.of("key algorithm " + alg + " is not accepted; use ECDSA P-256 or RSA 2048+");
    }

    private static Optional<String> aki(CertificateTemplate t) {
        AuthorityKeyIdentifier aki = AuthorityKeyIdentifier.fromExtensions(t.extensions());
        if (aki == null || aki.getKeyIdentifier() == null) {
            return Optional.of("authorityKeyIdentifier with a keyIdentifier is missing");
        }
        if (aki.getAuthorityCertIssuer() != null || aki.getAuthorityCertSerialNumber() != null) {
            return Optional.of("authorityKeyIdentifier contains authorityCertIssuer/authorityCertSerialNumber");
        }
        if (t.issuerKeyId() != null && !Arrays.equals(aki.getKeyIdentifier(), t.issuerKeyId())) {
            return Optional.of("authorityKeyIdentifier does not match the issuer's subjectKeyIdentifier");
        }
        return Optional.empty();
    }

    private static Optional<String> basicConstraints(CertificateTemplate t) {
        BasicConstraints bc = BasicConstraints.fromExtensions(t.extensions());
        if (t.profile().isCa()) {
            if (bc == null || !bc.isCA() || !Ext.isCritical(t.extensions(), Extension.basicConstraints)) {
                return Optional.of("a CA certificate needs critical basicConstraints with cA true");
            }
        } else if (bc != null && bc.isCA()) {
            return Optional.of("an end-entity certificate has basicConstraints cA true");
        }
        return Optional.empty();
    }

}

package org.civicmail.ca.authority;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.oiw.OIWObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.operator.DefaultAlgorithmNameFinder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.civicmail.ca.InvalidInputException;
import org.civicmail.ca.Subject;

/**
 * Checks a PKCS#10 request before anything is issued from it: it parses, is not signed with
 * SHA-1 or MD5, carries a strong key, its signature verifies, and it names no address other than
 * the account's. Only the public key is used; subject and SAN come from the account.
 */
public final class CsrValidator {
    private static final Set<ASN1ObjectIdentifier> WEAK_SIGNATURES = Set.of(PKCSObjectIdentifiers.sha1WithRSAEncryption,
            PKCSObjectIdentifiers.md5WithRSAEncryption, PKCSObjectIdentifiers.md2WithRSAEncryption,
            X9ObjectIdentifiers.ecdsa_with_SHA1, X9ObjectIdentifiers.id_dsa_with_sha1, OIWObjectIdentifiers.sha1WithRSA);

    private CsrValidator() {
    }

    /** Returns the request's public key, or throws {@link InvalidInputException} with the reason. */
    public static PublicKey validate(byte[] csrBytes, String address) {
        PKCS10CertificationRequest csr = parse(csrBytes);
        ASN1ObjectIdentifier sigAlg = csr.getSignatureAlgorithm().getAlgorithm();
        if (WEAK_SIGNATURES.contains(sigAlg)) {
            throw new InvalidInputException("CSR is signed with " + new DefaultAlgorithmNameFinder().getAlgorithmName(sigAlg)
                    + ", which uses SHA-1 or MD5 and is not accepted; sign the request with SHA-256 or stronger");
        }
        org.civicmail.ca.lint.KeyChecks.strength(csr.getSubjectPublicKeyInfo()).ifPresent(problem -> {
            throw new InvalidInputException("CSR key refused: " + problem);
        });
        PublicKey key = publicKey(csr);
        boolean valid;
        try {
            valid = csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(key));
        } catch (Exception e) {
            valid = false;
        }
        if (!valid) {
            throw new InvalidInputException("CSR signature does not verify: the request was altered or was not signed"
                    + " by the key it contains");
        }
        for (String named : namedAddresses(csr)) {
            if (!named.equalsIgnoreCase(address)) {
                throw new InvalidInputException("CSR names the address " + named + " but is submitted for " + address
                        + "; a CSR may only name the account it is for (the certificate's subject and SAN come from the account)");
            }
        }
        return key;
    }

    private static PublicKey publicKey(PKCS10CertificationRequest csr) {
        ASN1ObjectIdentifier alg = csr.getSubjectPublicKeyInfo().getAlgorithm().getAlgorithm();
        String name = PKCSObjectIdentifiers.rsaEncryption.equals(alg) ? "RSA" : "EC";
        try {
            return java.security.KeyFactory.getInstance(name)
                    .generatePublic(new java.security.spec.X509EncodedKeySpec(csr.getSubjectPublicKeyInfo().getEncoded()));
        } catch (java.security.GeneralSecurityException | IOException e) {
            throw new InvalidInputException("CSR public key cannot be decoded: " + e.getClass().getSimpleName());
        }
    }

    static PKCS10CertificationRequest parse(byte[] bytes) {
        try {
            String text = new String(bytes, StandardCharsets.US_ASCII);
            if (text.contains("-----BEGIN")) {
                try (PEMParser p = new PEMParser(new StringReader(text))) {
                    Object o = p.readObject();
                    if (o instanceof PKCS10CertificationRequest r) {
                        return r;
                    }
                }
            } else {
                return new PKCS10CertificationRequest(bytes);
            }
        } catch (IOException | RuntimeException e) {
            // explained below
        }
        throw new InvalidInputException("CSR is not a PKCS#10 certificate request in PEM (BEGIN CERTIFICATE REQUEST) or DER form");
    }

    private static List<String> namedAddresses(PKCS10CertificationRequest csr) {
        List<String> out = new ArrayList<>();
        for (RDN rdn : csr.getSubject().getRDNs()) {
            var first = rdn.getFirst();
            String value = IETFUtils.valueToString(first.getValue());
            if (first.getType().equals(BCStyle.EmailAddress) || (first.getType().equals(BCStyle.CN) && value.contains("@"))) {
                out.add(value.toLowerCase(Locale.ROOT));
            }
        }
        for (var attr : csr.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest)) {
            Extensions ext = Extensions.getInstance(attr.getAttrValues().getObjectAt(0));
            GeneralNames san = GeneralNames.fromExtensions(ext, Extension.subjectAlternativeName);
            if (san != null) {
                for (GeneralName n : san.getNames()) {
                    if (n.getTagNo() == GeneralName.rfc822Name) {
                        out.add(n.getName().toString().toLowerCase(Locale.ROOT));
                    }
                }
            }
        }
        return out;
    }

    static String normalize(String a) {
        return Subject.normalizeAddress(a);
    }
}

package org.civicmail.verdict.check;

import java.io.OutputStream;
import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.util.Map;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cms.DefaultCMSSignatureAlgorithmNameGenerator;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.SignerInformationVerifier;
import org.bouncycastle.operator.ContentVerifier;
import org.bouncycastle.operator.ContentVerifierProvider;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;
import org.bouncycastle.operator.DigestCalculatorProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.RuntimeOperatorException;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.civicmail.verdict.BouncyCastle;

/**
 * Verifiers for RSA PKCS#1 v1.5 signer infos (SHA-256/384/512) that compute the signature check once, with the
 * given provider (NSS's softoken when the machine has it: {@link org.civicmail.verdict.NssSoftoken}).
 *
 * <p>Why not BouncyCastle's {@code JcaSimpleSignerInfoVerifierBuilder} for these: for RSA its content verifier
 * ({@code JcaContentVerifierProviderBuilder.RawSigVerifier}, bcpkix 1.81) checks the signature and then, in a
 * {@code finally}, checks it a second time through a raw signature object whose result it discards (to release
 * PKCS#11 sessions), so every RSA message paid two public-key operations: in a personalised RSA-2048 broadcast's JFR
 * the check was 38 % of the CPU samples, its two halves equal. The result used is the first check's, so checking
 * once is the same verdict. Digests are still computed by BouncyCastle, as are all other algorithms (the caller
 * uses BouncyCastle's builder for anything this class does not {@link #takes take}).
 */
final class Pkcs1Verifiers {
    private static final ASN1ObjectIdentifier RSA = PKCSObjectIdentifiers.rsaEncryption;
    /** Signature algorithm (as CMS names it after combining digest and key algorithm) to its JCA name. */
    private static final Map<ASN1ObjectIdentifier, String> SIGNATURES = Map.of(
        PKCSObjectIdentifiers.sha256WithRSAEncryption, "SHA256withRSA",
        PKCSObjectIdentifiers.sha384WithRSAEncryption, "SHA384withRSA",
        PKCSObjectIdentifiers.sha512WithRSAEncryption, "SHA512withRSA");
    /** The digest of each of those, as the signer info names it. */
    private static final Map<ASN1ObjectIdentifier, ASN1ObjectIdentifier> SIGNATURE_OF_DIGEST = Map.of(
        NISTObjectIdentifiers.id_sha256, PKCSObjectIdentifiers.sha256WithRSAEncryption,
        NISTObjectIdentifiers.id_sha384, PKCSObjectIdentifiers.sha384WithRSAEncryption,
        NISTObjectIdentifiers.id_sha512, PKCSObjectIdentifiers.sha512WithRSAEncryption);

    /** Made once: BouncyCastle builds their tables on construction (a few per cent of a check when made per message). */
    private static final DefaultCMSSignatureAlgorithmNameGenerator NAMES = new DefaultCMSSignatureAlgorithmNameGenerator();
    private static final DefaultSignatureAlgorithmIdentifierFinder FINDER = new DefaultSignatureAlgorithmIdentifierFinder();
    private static final DigestCalculatorProvider DIGESTS = digests();

    private Pkcs1Verifiers() {
    }

    private static DigestCalculatorProvider digests() {
        try {
            return new JcaDigestCalculatorProviderBuilder().setProvider(BouncyCastle.PROVIDER).build();
        } catch (OperatorCreationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** True when {@code signer} is RSA PKCS#1 v1.5 with SHA-256/384/512: the signer infos {@link #verifier} checks. */
    static boolean takes(SignerInformation signer) {
        ASN1ObjectIdentifier keyAlgorithm = new ASN1ObjectIdentifier(signer.getEncryptionAlgOID());
        ASN1ObjectIdentifier combined = SIGNATURE_OF_DIGEST.get(new ASN1ObjectIdentifier(signer.getDigestAlgOID()));
        return combined != null && (keyAlgorithm.equals(RSA) || keyAlgorithm.equals(combined));
    }

    /** A verifier checking a signer info that {@link #takes} once, with {@code key} in {@code provider}. */
    static SignerInformationVerifier verifier(PublicKey key, Provider provider) {
        return new SignerInformationVerifier(NAMES, FINDER, new OneCheck(key, provider), DIGESTS);
    }

    /** Content verifiers that run one {@link Signature} over the signed attributes and check it once. */
    private record OneCheck(PublicKey key, Provider provider) implements ContentVerifierProvider {
        @Override
        public boolean hasAssociatedCertificate() {
            return false;
        }

        @Override
        public X509CertificateHolder getAssociatedCertificate() {
            return null;
        }

        @Override
        public ContentVerifier get(AlgorithmIdentifier algorithm) throws OperatorCreationException {
            String name = SIGNATURES.get(algorithm.getAlgorithm());
            if (name == null) {
                throw new OperatorCreationException("not an RSA PKCS#1 v1.5 signature: " + algorithm.getAlgorithm());
            }
            try {
                Signature signature = Signature.getInstance(name, provider);
                signature.initVerify(key);
                return new ContentVerifier() {
                    @Override
                    public AlgorithmIdentifier getAlgorithmIdentifier() {
                        return algorithm;
                    }

                    @Override
                    public OutputStream getOutputStream() {
                        return new OutputStream() {
                            @Override
                            public void write(int b) {
                                write(new byte[] {(byte) b}, 0, 1);
                            }

                            @Override
                            public void write(byte[] b, int off, int len) {
                                try {
                                    signature.update(b, off, len);
                                } catch (SignatureException e) {
                                    throw new RuntimeOperatorException("cannot feed the signature check: " + e.getMessage(), e);
                                }
                            }
                        };
                    }

                    @Override
                    public boolean verify(byte[] expected) {
                        try {
                            return signature.verify(expected);
                        } catch (SignatureException e) {
                            throw new RuntimeOperatorException("the signature value cannot be checked: " + e.getMessage(), e);
                        }
                    }
                };
            } catch (GeneralSecurityException e) {
                throw new OperatorCreationException("cannot check " + name + " with " + provider.getName() + ": " + e.getMessage(), e);
            }
        }
    }
}

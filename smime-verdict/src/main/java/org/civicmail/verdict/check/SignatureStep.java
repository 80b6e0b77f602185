package org.civicmail.verdict.check;

import java.security.Provider;
import java.security.PublicKey;
import java.util.Optional;

import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignerDigestMismatchException;
import org.bouncycastle.cms.SignerInformationVerifier;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.civicmail.verdict.BouncyCastle;
import org.civicmail.verdict.NssSoftoken;
import org.civicmail.verdict.SignatureVerdict;
import org.civicmail.verdict.SignatureVerdict.Reason;

/**
 * Step 2, signature: the signed content's digest and the signature over the signed attributes, with the leaf's
 * public key. Only the key is used here, on purpose: whether the certificate was valid is judged at arrival time
 * by the validity step, never at the signingTime the sender chose. The values are checked with BouncyCastle
 * ({@link BouncyCastle}: three times faster than the JDK's ECDSA under the C1 compiler), with the signer's key
 * as one BouncyCastle object per key ({@link SignerKeys}: its precomputation is reused across messages).
 */
public final class SignatureStep implements VerificationStep {
    static final String TAMPERED = "the message was altered after it was signed";

    private final SignerKeys keys = new SignerKeys();

    /**
     * RSA PKCS#1 v1.5 with SHA-2: one check, by NSS's softoken where the machine has it (the JDK's key object; NSS
     * takes it as a session object per check, which costs nothing measurable), else BouncyCastle with the kept key
     * ({@link Pkcs1Verifiers}: why). Every other algorithm: BouncyCastle's own verifier, as before.
     */
    private SignerInformationVerifier verifier(Evidence e) throws OperatorCreationException {
        PublicKey key = e.leaf.getPublicKey();
        if (Pkcs1Verifiers.takes(e.signerInfo)) {
            Optional<Provider> nss = NssSoftoken.PROVIDER;
            return Pkcs1Verifiers.verifier(nss.isPresent() ? key : keys.of(key), nss.orElse(BouncyCastle.PROVIDER));
        }
        return new JcaSimpleSignerInfoVerifierBuilder().setProvider(BouncyCastle.PROVIDER).build(keys.of(key));
    }

    @Override
    public Optional<SignatureVerdict> check(Evidence e) {
        try {
            boolean intact = e.signerInfo.verify(verifier(e));
            return intact ? Optional.empty() : Optional.of(e.invalid(Reason.TAMPERED, TAMPERED));
        } catch (CMSSignerDigestMismatchException ex) {
            return Optional.of(e.invalid(Reason.TAMPERED, TAMPERED));
        } catch (CMSException ex) {
            // A signature value that does not verify surfaces here in some key types; an attribute problem too.
            return Optional.of(e.invalid(Reason.TAMPERED, TAMPERED + " (" + ex.getMessage() + ")"));
        } catch (OperatorCreationException | RuntimeException ex) {
            return Optional.of(e.invalid(Reason.MALFORMED, "the signature cannot be checked: " + ex.getMessage()));
        }
    }
}

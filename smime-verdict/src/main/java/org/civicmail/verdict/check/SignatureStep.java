package org.civicmail.verdict.check;

import java.util.Optional;

import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignerDigestMismatchException;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.civicmail.verdict.BouncyCastle;
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

    @Override
    public Optional<SignatureVerdict> check(Evidence e) {
        try {
            boolean intact = e.signerInfo.verify(new JcaSimpleSignerInfoVerifierBuilder().setProvider(BouncyCastle.PROVIDER)
                .build(keys.of(e.leaf.getPublicKey())));
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

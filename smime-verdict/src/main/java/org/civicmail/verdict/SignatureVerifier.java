package org.civicmail.verdict;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.civicmail.verdict.SignatureVerdict.Reason;
import org.civicmail.verdict.check.ChainStep;
import org.civicmail.verdict.check.Evidence;
import org.civicmail.verdict.check.FromStep;
import org.civicmail.verdict.check.HeaderProtectionStep;
import org.civicmail.verdict.check.KeyUsageStep;
import org.civicmail.verdict.check.RevocationStep;
import org.civicmail.verdict.check.SignatureStep;
import org.civicmail.verdict.check.StructureStep;
import org.civicmail.verdict.check.ValidityStep;
import org.civicmail.verdict.check.VerificationStep;
import org.civicmail.verdict.revocation.RevocationSource;

/**
 * The one S/MIME signature verifier of CivicMail, used by the mail server when it delivers a message and by the
 * webmail when it shows one: the raw message bytes in, a {@link SignatureVerdict} out. The checks run in this fixed
 * order, the first failing one deciding the verdict:
 * <ol>
 * <li>structure ({@link StructureStep}): signed at top level, strictly formed, one signer</li>
 * <li>signature ({@link SignatureStep}): content digest and signature value</li>
 * <li>chain ({@link ChainStep}): a path to a trust anchor; city certificates via the city CA's own certificates</li>
 * <li>validity ({@link ValidityStep}): every certificate valid when the message arrived</li>
 * <li>revocation ({@link RevocationStep}): the city CA's live status, or the foreign issuer's OCSP/CRL</li>
 * <li>key usage ({@link KeyUsageStep})</li>
 * <li>From ({@link FromStep}): the one From address is the certificate's</li>
 * <li>headers ({@link HeaderProtectionStep}): RFC 9788 protected fields equal the visible ones</li>
 * </ol>
 * Thread-safe. The only state kept between messages is the chain step's finding per certificate
 * ({@code ValidatedPaths}), which depends on the certificates alone; every time-, revocation- and message-dependent
 * check runs for every message.
 */
public final class SignatureVerifier {
    private final List<VerificationStep> steps;

    /**
     * @param authorities the city CA's certificates and every trusted root
     * @param city        the city CA's live revocation status (the CA's store in the server, its OCSP in the webmail)
     * @param foreign     revocation for certificates of other CAs (OCSP, else CRL)
     */
    public SignatureVerifier(Authorities authorities, RevocationSource city, RevocationSource foreign) {
        this.steps = List.of(new StructureStep(), new SignatureStep(), new ChainStep(authorities), new ValidityStep(),
            new RevocationStep(city, foreign), new KeyUsageStep(), new FromStep(), new HeaderProtectionStep());
    }

    /**
     * @param raw       the message exactly as received (CRLF or LF line ends)
     * @param arrivedAt when the message arrived at the server, by the server's clock; certificate validity is judged
     *                  at this moment, and a signingTime more than 5 minutes later is refused
     */
    public SignatureVerdict verify(byte[] raw, Instant arrivedAt) {
        Evidence evidence = new Evidence(raw, arrivedAt);
        try {
            for (VerificationStep step : steps) {
                Optional<SignatureVerdict> verdict = step.check(evidence);
                if (verdict.isPresent()) {
                    return verdict.get();
                }
            }
            return evidence.valid();
        } catch (RuntimeException e) {
            // Hostile input must not stop delivery or a page; it is reported as what it is.
            return SignatureVerdict.invalid(Reason.MALFORMED, "the signature cannot be checked: " + e);
        }
    }
}

package org.civicmail.verdict.check;

import java.util.Optional;

import org.civicmail.verdict.SignatureVerdict;

/**
 * One check of the verification pipeline. A step reads the {@link Evidence} earlier steps gathered, adds its own,
 * and either ends the verification with a verdict or lets the next step run (empty). Thread-safe.
 */
public interface VerificationStep {
    Optional<SignatureVerdict> check(Evidence evidence);
}

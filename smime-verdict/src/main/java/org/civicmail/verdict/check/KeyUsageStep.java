package org.civicmail.verdict.check;

import java.security.cert.CertificateParsingException;
import java.util.List;
import java.util.Optional;

import org.civicmail.verdict.SignatureVerdict;
import org.civicmail.verdict.SignatureVerdict.Reason;

/**
 * Step 6, key usage (RFC 8550 section 4.4): if the certificate limits its key usage, digitalSignature or
 * nonRepudiation must be allowed; if it has extended key usages, emailProtection (or anyExtendedKeyUsage) must be
 * among them. A certificate without these extensions is not restricted.
 */
public final class KeyUsageStep implements VerificationStep {
    static final String EMAIL_PROTECTION = "1.3.6.1.5.5.7.3.4";
    static final String ANY_EKU = "2.5.29.37.0";

    @Override
    public Optional<SignatureVerdict> check(Evidence e) {
        boolean[] keyUsage = e.leaf.getKeyUsage();
        if (keyUsage != null && !(keyUsage[0] || keyUsage.length > 1 && keyUsage[1])) {
            return Optional.of(e.invalid(Reason.BAD_KEY_USAGE,
                "the certificate may not be used for signatures (key usage lacks digitalSignature)"));
        }
        try {
            List<String> eku = e.leaf.getExtendedKeyUsage();
            if (eku != null && !eku.contains(EMAIL_PROTECTION) && !eku.contains(ANY_EKU)) {
                return Optional.of(e.invalid(Reason.BAD_KEY_USAGE,
                    "the certificate is not for e-mail (extended key usage lacks emailProtection)"));
            }
        } catch (CertificateParsingException ex) {
            return Optional.of(e.invalid(Reason.BAD_KEY_USAGE, "the certificate's extended key usage cannot be read"));
        }
        return Optional.empty();
    }
}

package org.civicmail.verdict.check;

import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.PKIXReason;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.civicmail.verdict.Authorities;
import org.civicmail.verdict.SignatureVerdict;
import org.civicmail.verdict.SignatureVerdict.Reason;

/**
 * Step 3, chain: a path from the leaf to a trust anchor, checked with the JDK's PKIX validator (signatures, CA
 * flags, path length, name constraints). A leaf the city's CA signed (by key, see
 * {@link Authorities#cityIssuerOf}) gets its path from the CA's own certificates only, whatever the sender
 * attached: a leaf-only signature still chains, and a forged intermediate cannot stand in. Other leaves use the
 * attached certificates. Validity dates are the next step's business: the path is checked at a moment when all
 * its certificates are valid, so an expired certificate reads {@code expired}, not {@code unknown-ca}.
 */
public final class ChainStep implements VerificationStep {
    private static final int MAX_PATH = 6;
    private final Authorities authorities;

    public ChainStep(Authorities authorities) {
        this.authorities = authorities;
    }

    @Override
    public Optional<SignatureVerdict> check(Evidence e) {
        e.cityIssuer = authorities.cityIssuerOf(e.leaf);
        List<X509Certificate> pool = e.cityIssuer.isPresent() ? authorities.cityCertificates() : e.attachedCertificates;
        Optional<String> problem = build(e, pool);
        if (problem.isPresent()) {
            return Optional.of(e.invalid(Reason.UNKNOWN_CA, problem.get()));
        }
        return Optional.empty();
    }

    private Optional<String> build(Evidence e, List<X509Certificate> pool) {
        List<X509Certificate> path = new ArrayList<>(List.of(e.leaf));
        X509Certificate current = e.leaf;
        while (path.size() <= MAX_PATH) {
            Optional<X509Certificate> anchor = issuerAmong(current, authorities.anchorCertificates(), path);
            if (anchor.isPresent()) {
                e.path = List.copyOf(path);
                e.anchor = new TrustAnchor(anchor.get(), null);
                return validate(e);
            }
            Optional<X509Certificate> next = issuerAmong(current, pool, path);
            if (next.isEmpty()) {
                break;
            }
            path.add(next.get());
            current = next.get();
        }
        return Optional.of("the certificate does not chain to a trusted authority (issuer: "
            + current.getIssuerX500Principal().getName() + ")");
    }

    private static Optional<X509Certificate> issuerAmong(X509Certificate child, List<X509Certificate> candidates,
                                                         List<X509Certificate> path) {
        for (X509Certificate candidate : candidates) {
            if (path.contains(candidate) && !Authorities.isSelfSigned(candidate)
                || !candidate.getSubjectX500Principal().equals(child.getIssuerX500Principal())
                || candidate.equals(child)) {
                continue;
            }
            try {
                child.verify(candidate.getPublicKey());
                return Optional.of(candidate);
            } catch (GeneralSecurityException ex) {
                // Same name, other key.
            }
        }
        return Optional.empty();
    }

    private static Optional<String> validate(Evidence e) {
        try {
            PKIXParameters params = new PKIXParameters(Set.of(e.anchor));
            params.setRevocationEnabled(false);
            params.setDate(Date.from(momentAllValid(e)));
            CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(e.path), params);
            return Optional.empty();
        } catch (CertPathValidatorException ex) {
            if (ex.getReason() == CertPathValidatorException.BasicReason.EXPIRED
                || ex.getReason() == CertPathValidatorException.BasicReason.NOT_YET_VALID) {
                // The certificates were never valid at one time; the validity step names the dates.
                return Optional.empty();
            }
            String why = ex.getReason() == PKIXReason.NOT_CA_CERT ? "an issuer in the chain is not a CA" : ex.getMessage();
            return Optional.of("the certificate chain is not valid: " + why);
        } catch (GeneralSecurityException ex) {
            return Optional.of("the certificate chain cannot be checked: " + ex.getMessage());
        }
    }

    /** The latest notBefore on the path: every certificate valid then, if any moment works at all. */
    private static Instant momentAllValid(Evidence e) {
        Instant moment = e.anchor.getTrustedCert().getNotBefore().toInstant();
        for (X509Certificate c : e.path) {
            Instant notBefore = c.getNotBefore().toInstant();
            moment = notBefore.isAfter(moment) ? notBefore : moment;
        }
        return moment;
    }
}

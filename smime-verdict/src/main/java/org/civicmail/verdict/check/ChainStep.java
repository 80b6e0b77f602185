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
 * The finding depends only on the certificates, so it is kept per certificate ({@link ValidatedPaths}); the steps
 * after this one (validity, revocation, ...) run for every message.
 */
public final class ChainStep implements VerificationStep {
    private static final int MAX_PATH = 6;
    private final Authorities authorities;
    private final ValidatedPaths validated = new ValidatedPaths();

    public ChainStep(Authorities authorities) {
        this.authorities = authorities;
    }

    @Override
    public Optional<SignatureVerdict> check(Evidence e) {
        ValidatedPaths.Outcome outcome = validated.outcome(e.leaf, e.attachedCertificates, () -> judge(e.leaf, e.attachedCertificates));
        e.cityIssuer = outcome.cityIssuer();
        if (outcome.anchor() != null) {
            // This message's own leaf object first (equal to the judged one: same encoding, same key).
            List<X509Certificate> path = new ArrayList<>(outcome.path());
            path.set(0, e.leaf);
            e.path = List.copyOf(path);
            e.anchor = outcome.anchor();
        }
        return outcome.problem().map(problem -> e.invalid(Reason.UNKNOWN_CA, problem));
    }

    int cachedPaths() {
        return validated.size();
    }

    private ValidatedPaths.Outcome judge(X509Certificate leaf, List<X509Certificate> attached) {
        Optional<X509Certificate> cityIssuer = authorities.cityIssuerOf(leaf);
        List<X509Certificate> pool = cityIssuer.isPresent() ? authorities.cityCertificates() : attached;
        List<X509Certificate> path = new ArrayList<>(List.of(leaf));
        X509Certificate current = leaf;
        while (path.size() <= MAX_PATH) {
            Optional<X509Certificate> anchor = issuerAmong(current, authorities.anchorCertificates(), path);
            if (anchor.isPresent()) {
                TrustAnchor trustAnchor = new TrustAnchor(anchor.get(), null);
                return new ValidatedPaths.Outcome(cityIssuer, List.copyOf(path), trustAnchor, validate(path, trustAnchor));
            }
            Optional<X509Certificate> next = issuerAmong(current, pool, path);
            if (next.isEmpty()) {
                break;
            }
            path.add(next.get());
            current = next.get();
        }
        return new ValidatedPaths.Outcome(cityIssuer, List.of(leaf), null, Optional.of(
            "the certificate does not chain to a trusted authority (issuer: " + current.getIssuerX500Principal().getName() + ")"));
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

    private static Optional<String> validate(List<X509Certificate> path, TrustAnchor anchor) {
        try {
            PKIXParameters params = new PKIXParameters(Set.of(anchor));
            params.setRevocationEnabled(false);
            params.setDate(Date.from(momentAllValid(path, anchor)));
            CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(path), params);
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
    private static Instant momentAllValid(List<X509Certificate> path, TrustAnchor anchor) {
        Instant moment = anchor.getTrustedCert().getNotBefore().toInstant();
        for (X509Certificate c : path) {
            Instant notBefore = c.getNotBefore().toInstant();
            moment = notBefore.isAfter(moment) ? notBefore : moment;
        }
        return moment;
    }
}

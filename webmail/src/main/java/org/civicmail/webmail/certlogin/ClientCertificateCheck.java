package org.civicmail.webmail.certlogin;

import java.security.GeneralSecurityException;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertStore;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.PKIXCertPathBuilderResult;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.civicmail.verdict.check.CertificateIdentity;
import org.civicmail.verdict.revocation.RevocationSource;
import org.civicmail.verdict.revocation.RevocationStatus;

/** Decides whether a TLS client certificate may sign its holder in, and as whom. Thread-safe. */
public final class ClientCertificateCheck {

    /** Outcome; {@code email} is set only for OK. */
    public record Result(Outcome outcome, String email, Instant revokedAt) {}

    public enum Outcome { OK, NONE, EXPIRED, FOREIGN, REVOKED, UNCHECKED, NO_EMAIL }

    private final Set<TrustAnchor> anchors = new HashSet<>();
    private final RevocationSource revocation;
    private final Clock clock;
    private final boolean requireRevocationAnswer;

    /** @param requireRevocationAnswer refuse when OCSP/CRL cannot be reached (fail closed) */
    public ClientCertificateCheck(List<X509Certificate> roots, RevocationSource revocation, Clock clock,
                                  boolean requireRevocationAnswer) {
        roots.forEach(r -> anchors.add(new TrustAnchor(r, null)));
        this.revocation = revocation;
        this.clock = clock;
        this.requireRevocationAnswer = requireRevocationAnswer;
    }

    public Result check(X509Certificate[] chain) {
        if (chain == null || chain.length == 0) {
            return new Result(Outcome.NONE, null, null);
        }
        X509Certificate leaf = chain[0];
        Date now = Date.from(clock.instant());
        try {
            leaf.checkValidity(now);
        } catch (CertificateExpiredException | CertificateNotYetValidException e) {
            return new Result(Outcome.EXPIRED, null, null);
        }
        X509Certificate issuer;
        try {
            X509CertSelector target = new X509CertSelector();
            target.setCertificate(leaf);
            PKIXBuilderParameters params = new PKIXBuilderParameters(anchors, target);
            params.setRevocationEnabled(false);
            params.setDate(now);
            params.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(Arrays.asList(chain))));
            PKIXCertPathBuilderResult r = (PKIXCertPathBuilderResult) CertPathBuilder.getInstance("PKIX").build(params);
            var path = r.getCertPath().getCertificates();
            issuer = path.size() > 1 ? (X509Certificate) path.get(1) : r.getTrustAnchor().getTrustedCert();
        } catch (GeneralSecurityException e) {
            return new Result(Outcome.FOREIGN, null, null);
        }
        RevocationStatus status = revocation.status(leaf, issuer);
        if (status.state() == RevocationStatus.State.REVOKED) {
            return new Result(Outcome.REVOKED, null, status.revokedAt().orElse(null));
        }
        if (requireRevocationAnswer && status.state() != RevocationStatus.State.GOOD) {
            return new Result(Outcome.UNCHECKED, null, null);
        }
        String email = CertificateIdentity.of(leaf).addresses().stream().findFirst().orElse(null);
        if (email == null) {
            return new Result(Outcome.NO_EMAIL, null, null);
        }
        return new Result(Outcome.OK, email, null);
    }
}

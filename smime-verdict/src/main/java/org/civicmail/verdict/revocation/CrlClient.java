package org.civicmail.verdict.revocation;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Revocation through the CRL a certificate names (http:// distribution points). A CRL is used only if it is
 * signed by the certificate's issuer (key and name), its thisUpdate is not in the future and its nextUpdate is
 * present and not past (5 minutes of clock skew allowed): a stale CRL is not used, the status is then
 * {@code unknown}. A verified CRL is kept per (address, issuer key) until its nextUpdate, at most
 * {@code maxAge}, so a revocation shows within that time. Thread-safe.
 */
public final class CrlClient implements RevocationSource {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final int MAX_CACHED = 1_000;

    private record Cached(X509CRL crl, Instant until) {
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();
    private final Duration maxAge;
    private final Clock clock;

    public CrlClient(Duration maxAge, Clock clock) {
        this.maxAge = maxAge;
        this.clock = clock;
    }

    @Override
    public RevocationStatus status(X509Certificate certificate, X509Certificate issuer) {
        return EachUrl.firstAnswer(CertificateUrls.crl(certificate), "CRL", "CRL", url -> {
            X509CRL crl = crl(url, issuer);
            X509CRLEntry entry = crl.getRevokedCertificate(certificate.getSerialNumber());
            if (entry == null) {
                return RevocationStatus.good();
            }
            return RevocationStatus.revoked(entry.getRevocationDate().toInstant(),
                entry.getRevocationReason() == null ? null : Reasons.name(entry.getRevocationReason().ordinal()));
        });
    }

    private X509CRL crl(String url, X509Certificate issuer) throws Exception {
        String key = url + '#' + Base64.getEncoder().encodeToString(issuer.getPublicKey().getEncoded());
        Instant now = clock.instant();
        Cached cached = cache.get(key);
        if (cached != null && now.isBefore(cached.until())) {
            return cached.crl();
        }
        byte[] body = EachUrl.body(http, HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).GET().build());
        X509CRL crl = (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(body));
        Instant until = usableUntil(crl, issuer, now);
        Instant keep = now.plus(maxAge);
        if (cache.size() > MAX_CACHED) {
            cache.clear();
        }
        cache.put(key, new Cached(crl, until.isBefore(keep) ? until : keep));
        return crl;
    }

    /** @return the CRL's nextUpdate, after checking signature, issuer name and freshness */
    static Instant usableUntil(X509CRL crl, X509Certificate issuer, Instant now) throws Exception {
        if (!crl.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
            throw new IOException("CRL issued by " + crl.getIssuerX500Principal().getName() + ", not by the certificate's issuer");
        }
        crl.verify(issuer.getPublicKey());
        if (crl.getThisUpdate().toInstant().isAfter(now.plus(OcspClient.SKEW))) {
            throw new IOException("CRL thisUpdate " + crl.getThisUpdate().toInstant() + " is in the future");
        }
        if (crl.getNextUpdate() == null) {
            throw new IOException("CRL has no nextUpdate; its freshness cannot be judged");
        }
        Instant nextUpdate = crl.getNextUpdate().toInstant();
        if (nextUpdate.isBefore(now.minus(OcspClient.SKEW))) {
            throw new IOException("CRL is stale: its nextUpdate " + nextUpdate + " has passed");
        }
        return nextUpdate;
    }
}

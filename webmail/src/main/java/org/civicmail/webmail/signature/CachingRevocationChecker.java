package org.civicmail.webmail.signature;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Remembers definite answers (good/revoked) for a short time so each page view does not ask the CA. */
public final class CachingRevocationChecker implements RevocationChecker {

    private record Entry(Status status, Instant until) {}

    private final RevocationChecker delegate;
    private final Duration ttl;
    private final Clock clock;
    private final Map<String, Entry> cache = new ConcurrentHashMap<>();

    public CachingRevocationChecker(RevocationChecker delegate, Duration ttl, Clock clock) {
        this.delegate = delegate;
        this.ttl = ttl;
        this.clock = clock;
    }

    @Override
    public Status check(X509Certificate certificate, X509Certificate issuer) {
        String key = issuer.getSubjectX500Principal().getName() + '#' + certificate.getSerialNumber().toString(16);
        Instant now = clock.instant();
        Entry e = cache.get(key);
        if (e != null && e.until().isAfter(now)) {
            return e.status();
        }
        Status s = delegate.check(certificate, issuer);
        if (s.state() != Status.State.UNKNOWN) {
            if (cache.size() > 10_000) {
                cache.clear();
            }
            cache.put(key, new Entry(s, now.plus(ttl)));
        }
        return s;
    }
}

package org.civicmail.webmail.signature;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.civicmail.verdict.revocation.RevocationSource;
import org.civicmail.verdict.revocation.RevocationStatus;

/**
 * Remembers definite revocation answers (good, revoked, not issued) for a short time so each page view does not ask
 * the CA. Keyed by the issuer's public key and the serial: a certificate of another CA with the same names and serial
 * never hits an entry. It remembers a status only; trust (chain, validity, signature) is decided for every message.
 */
public final class CachingRevocation implements RevocationSource {
    private static final int MAX_ENTRIES = 10_000;

    private record Key(String issuerKey, BigInteger serial) {
    }

    private record Entry(RevocationStatus status, Instant until) {
    }

    private final RevocationSource delegate;
    private final Duration ttl;
    private final Clock clock;
    private final Map<Key, Entry> cache = new ConcurrentHashMap<>();

    public CachingRevocation(RevocationSource delegate, Duration ttl, Clock clock) {
        this.delegate = delegate;
        this.ttl = ttl;
        this.clock = clock;
    }

    @Override
    public RevocationStatus status(X509Certificate certificate, X509Certificate issuer) {
        Key key = new Key(fingerprint(issuer.getPublicKey().getEncoded()), certificate.getSerialNumber());
        Instant now = clock.instant();
        Entry e = cache.get(key);
        if (e != null && e.until().isAfter(now)) {
            return e.status();
        }
        RevocationStatus s = delegate.status(certificate, issuer);
        if (s.state() != RevocationStatus.State.UNKNOWN) {
            if (cache.size() > MAX_ENTRIES) {
                cache.clear();
            }
            cache.put(key, new Entry(s, now.plus(ttl)));
        }
        return s;
    }

    private static String fingerprint(byte[] encoded) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(encoded));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}

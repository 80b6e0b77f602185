package org.civicmail.verdict.check;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The chain step's outcomes for certificates it has already judged, so that the next message from the same signer
 * does not verify the same certificate signatures again (issue 14: four of the five ECDSA verifications of a city
 * message were the chain's, ~0.25-0.75 ms each under the C1 compiler).
 *
 * <p>Why this cannot let a revoked or expired certificate through: what is kept is only the chain step's finding,
 * and that finding is a function of the certificates' bytes alone (signatures, CA flags, path length, name
 * constraints, checked at a moment derived from the certificates themselves) and of the verifier's fixed
 * {@link org.civicmail.verdict.Authorities}. Revocation, validity at arrival, key usage and From are checked afresh
 * for every message by their own steps, so a revocation, a CRL/OCSP answer or an expiry takes effect with the very
 * next message. The key is the SHA-256 of the leaf's encoding and of every certificate the sender attached (the
 * pool a foreign leaf's path is built from), so a different certificate or a different attached chain is a
 * different entry. Bounded: when full it is emptied (a few hundred signers' entries are rebuilt in milliseconds).
 */
final class ValidatedPaths {
    /** About 4 KiB per entry (the certificates it holds): at most ~4 MiB of a server heap of 160 MiB. */
    static final int MAX_ENTRIES = 1024;

    /** A judged chain: the city issuer and the path (leaf first) with its anchor, or why there is none. */
    record Outcome(Optional<X509Certificate> cityIssuer, List<X509Certificate> path, TrustAnchor anchor,
                   Optional<String> problem) {
    }

    private final Map<String, Outcome> outcomes = new ConcurrentHashMap<>();

    Outcome outcome(X509Certificate leaf, List<X509Certificate> attached, Supplier<Outcome> judge) {
        String key = key(leaf, attached);
        Outcome known = outcomes.get(key);
        if (known != null) {
            return known;
        }
        Outcome judged = judge.get();
        if (outcomes.size() >= MAX_ENTRIES) {
            outcomes.clear();
        }
        outcomes.put(key, judged);
        return judged;
    }

    int size() {
        return outcomes.size();
    }

    private static String key(X509Certificate leaf, List<X509Certificate> attached) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            StringBuilder key = new StringBuilder(HexFormat.of().formatHex(sha256.digest(leaf.getEncoded())));
            for (X509Certificate c : attached) {
                key.append(':').append(HexFormat.of().formatHex(sha256.digest(c.getEncoded())));
            }
            return key.toString();
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            // Every JDK has SHA-256, and a certificate parsed from the message re-encodes; a failure here is a bug.
            throw new IllegalStateException("cannot key the validated-path cache: " + e.getMessage(), e);
        }
    }
}

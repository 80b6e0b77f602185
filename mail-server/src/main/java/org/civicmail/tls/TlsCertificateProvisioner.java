package org.civicmail.tls;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.civicmail.ca.CertificateAuthority;
import org.civicmail.ca.IssuedCredential;
import org.civicmail.ca.RevocationReason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the listeners' TLS certificate issued by our own TLS issuing CA: issued at first start, re-issued when it
 * comes from another issuer (after the upgrade to purpose-bound issuing CAs: from the first-generation CA), names
 * other hosts, or has less than {@link #RENEW_BEFORE} left. A replaced certificate of ours that is still good is
 * revoked as superseded.
 */
public final class TlsCertificateProvisioner {
    private static final Logger LOG = LoggerFactory.getLogger(TlsCertificateProvisioner.class);
    public static final Duration RENEW_BEFORE = Duration.ofDays(30);

    private TlsCertificateProvisioner() {
    }

    /** @return true if a new certificate was written */
    public static boolean ensure(TlsKeyStore store, CertificateAuthority ca, List<String> names) throws Exception {
        Set<String> wanted = new LinkedHashSet<>(names);
        X509Certificate previous = store.exists() ? store.certificate() : null;
        if (previous != null && stillGood(previous, ca, wanted)) {
            return false;
        }
        IssuedCredential credential = ca.issueTlsServer(wanted.toArray(String[]::new));
        store.write(credential.privateKey(), credential.fullChain().toArray(X509Certificate[]::new));
        LOG.info("TLS certificate issued by the CivicMail CA for {} (serial {})", wanted, credential.serial().toString(16));
        if (previous != null && ca.status(previous).isGood()) {
            ca.revoke(previous.getSerialNumber(), RevocationReason.superseded);
            LOG.info("The previous TLS certificate (serial {}) was revoked as superseded", previous.getSerialNumber().toString(16));
        }
        return true;
    }

    private static boolean stillGood(X509Certificate current, CertificateAuthority ca, Set<String> wanted) throws Exception {
        X509Certificate issuing = ca.tlsChain().get(0);
        if (!current.getIssuerX500Principal().equals(issuing.getSubjectX500Principal())) {
            return false;
        }
        try {
            current.verify(issuing.getPublicKey());
        } catch (Exception e) {
            return false;
        }
        if (current.getNotAfter().toInstant().isBefore(Instant.now().plus(RENEW_BEFORE))) {
            return false;
        }
        Set<String> present = new LinkedHashSet<>();
        if (current.getSubjectAlternativeNames() != null) {
            current.getSubjectAlternativeNames().forEach(san -> present.add(String.valueOf(san.get(1))));
        }
        return present.containsAll(wanted) && ca.status(current).isGood();
    }
}

package org.civicmail.ca.crl;

import java.io.IOException;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.function.Supplier;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.civicmail.ca.CaException;
import org.civicmail.ca.RevocationReason;
import org.civicmail.ca.keys.Signer;
import org.civicmail.ca.profile.ProfileFactory;
import org.civicmail.ca.store.CertificateStore;

/**
 * Issues one issuing CA's X.509 v2 CRL (one publisher per {@link org.civicmail.ca.IssuerSlot}): a CRL number, nextUpdate {@link #VALIDITY} ahead (at most
 * 10 days), reissued on every revocation and whenever the current one is older than
 * {@link #REISSUE_AFTER}. Thread-safe.
 */
public final class CrlPublisher {
    public static final Duration VALIDITY = Duration.ofDays(7);
    public static final Duration REISSUE_AFTER = Duration.ofDays(6);

    private final CertificateStore store;
    private final String slot;
    private final Supplier<Signer> issuing;
    private final Clock clock;
    private volatile CertificateStore.StoredCrl current;

    public CrlPublisher(CertificateStore store, String slot, Supplier<Signer> issuing, Clock clock) {
        this.store = store;
        this.slot = slot;
        this.issuing = issuing;
        this.clock = clock;
        this.current = store.latestCrl(slot).orElse(null);
    }

    /** The current CRL (DER), reissued first if it is missing or due. */
    public byte[] current() {
        CertificateStore.StoredCrl c = current;
        if (c == null || !clock.instant().isBefore(c.thisUpdate().plus(REISSUE_AFTER))) {
            synchronized (this) {
                c = current;
                if (c == null || !clock.instant().isBefore(c.thisUpdate().plus(REISSUE_AFTER))) {
                    return reissue();
                }
            }
        }
        return c.der();
    }

    public CertificateStore.StoredCrl currentInfo() {
        current();
        return current;
    }

    /** Signs and stores a new CRL from the store's revoked entries. */
    public synchronized byte[] reissue() {
        Signer signer = issuing.get();
        Instant now = clock.instant();
        Instant next = now.plus(VALIDITY);
        X500Name issuer = X500Name.getInstance(signer.certificate().getSubjectX500Principal().getEncoded());
        String issuerKey = signer.certificate().getSubjectX500Principal().getName();
        long[] holder = new long[1];
        store.saveCrl(slot, now, next, number -> {
            holder[0] = number;
            X509v2CRLBuilder b = new X509v2CRLBuilder(issuer, Date.from(now));
            b.setNextUpdate(Date.from(next));
            for (CertificateStore.RevokedEntry e : store.revoked(issuerKey)) {
                b.addCRLEntry(e.serial(), Date.from(e.revokedAt()),
                        e.reason() == RevocationReason.unspecified ? 0 : e.reason().code());
            }
            try {
                b.addExtension(Extension.cRLNumber, false, new CRLNumber(BigInteger.valueOf(number)));
                b.addExtension(Extension.authorityKeyIdentifier, false,
                        new AuthorityKeyIdentifier(ProfileFactory.subjectKeyId(signer.certificate())));
                return b.build(signer.contentSigner()).getEncoded();
            } catch (IOException e) {
                throw new CaException("cannot encode CRL " + number + ": " + e.getMessage(), e);
            }
        });
        current = store.latestCrl(slot).orElseThrow();
        return current.der();
    }
}

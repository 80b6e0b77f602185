package org.civicmail.ca.crl;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.civicmail.ca.CaException;
import org.civicmail.ca.RevocationReason;
import org.civicmail.ca.keys.Pkcs12Files;
import org.civicmail.ca.keys.Signer;
import org.civicmail.ca.profile.ProfileFactory;
import org.civicmail.ca.store.CertificateStore;

/**
 * The root's CRL (an ARL): the issuing CA certificates the root revoked. It needs the root key, which may
 * live offline, so it is signed when the CA is unlocked with {@code root-ca.p12} present and the current
 * one is missing or has less than {@link #RENEW_BEFORE} left; nextUpdate is {@link #VALIDITY} ahead (S/MIME
 * BR §4.9.7: at most twelve months for the status of subordinate CA certificates). Kept as
 * {@value #FILE} in the CA home and served at {@code /crl/root.crl}. The CRL number is thisUpdate in epoch
 * seconds, which only grows.
 */
public final class RootCrl {
    public static final String FILE = "root.crl";
    public static final Duration VALIDITY = Duration.ofDays(365);
    public static final Duration RENEW_BEFORE = Duration.ofDays(90);

    private RootCrl() {
    }

    /** True if there is no root CRL yet or it expires within {@link #RENEW_BEFORE} of {@code now}. */
    public static boolean due(Path home, Instant now) {
        return current(home).map(c -> !c.getNextUpdate().toInstant().isAfter(now.plus(RENEW_BEFORE))).orElse(true);
    }

    /** The current root CRL, if one was issued. */
    public static Optional<X509CRLHolder> current(Path home) {
        Path file = home.resolve(FILE);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(new X509CRLHolder(Files.readAllBytes(file)));
        } catch (IOException e) {
            throw new CaException("cannot read the root CRL " + file + ": " + e.getMessage()
                    + "; delete it and unlock the CA with root-ca.p12 present to issue a new one", e);
        }
    }

    /** Signs a new root CRL with {@code root} and replaces {@value #FILE} atomically; returns its number. */
    public static long issue(Path home, Signer root, CertificateStore store, Instant now) {
        long number = now.getEpochSecond();
        X509v2CRLBuilder b = new X509v2CRLBuilder(X500Name.getInstance(root.certificate().getSubjectX500Principal().getEncoded()),
                Date.from(now));
        b.setNextUpdate(Date.from(now.plus(VALIDITY)));
        for (CertificateStore.RevokedEntry e : store.revoked(root.certificate().getSubjectX500Principal().getName())) {
            b.addCRLEntry(e.serial(), Date.from(e.revokedAt()), e.reason() == RevocationReason.unspecified ? 0 : e.reason().code());
        }
        Path file = home.resolve(FILE);
        Path tmp = home.resolve(FILE + ".new");
        try {
            b.addExtension(Extension.cRLNumber, false, new CRLNumber(BigInteger.valueOf(number)));
            b.addExtension(Extension.authorityKeyIdentifier, false,
                    new AuthorityKeyIdentifier(ProfileFactory.subjectKeyId(root.certificate())));
            byte[] der = b.build(root.contentSigner()).getEncoded();
            Files.deleteIfExists(tmp);
            try (OutputStream out = Pkcs12Files.createPrivateFile(tmp)) {
                out.write(der);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new CaException("cannot write the root CRL " + file + ": " + e.getMessage(), e);
        }
        return number;
    }
}

package org.civicmail.ca.authority;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.civicmail.ca.CaException;
import org.civicmail.ca.CertificateRecord;
import org.civicmail.ca.CertificateStatus;
import org.civicmail.ca.KeyAlgorithm;
import org.civicmail.ca.keys.KeyFileSigner;
import org.civicmail.ca.keys.MasterKey;
import org.civicmail.ca.keys.Pkcs12Files;
import org.civicmail.ca.keys.Signer;
import org.civicmail.ca.profile.CertificateTemplate;
import org.civicmail.ca.profile.ProfileFactory;
import org.civicmail.ca.store.CertificateStore;

/**
 * The CA's own keys under the home directory: {@code root-ca.p12} (only read to create the
 * issuing CA; may be moved offline afterwards) and {@code issuing-ca.p12}, encrypted under the CA
 * passphrase; {@code ocsp-signer.p12}, which the CA replaces by itself while running and therefore
 * encrypts under a password from the {@link MasterKey} (the passphrase is gone by then). All are
 * written by {@link Pkcs12Files} and replaced atomically.
 */
public final class Hierarchy {
    public static final String ROOT_FILE = "root-ca.p12";
    public static final String ISSUING_FILE = "issuing-ca.p12";
    public static final String OCSP_FILE = "ocsp-signer.p12";
    public static final String ROOT_ALIAS = "root-ca";
    public static final String ISSUING_ALIAS = "issuing-ca";
    public static final String OCSP_ALIAS = "ocsp-signer";
    /** The OCSP signer is replaced when it has less than this left. */
    public static final Duration OCSP_RENEW_BEFORE = Duration.ofDays(30);

    private final Path home;
    private final KeyAlgorithm algorithm;
    private final CertificateIssuer issuer;
    private final CertificateStore store;

    public Hierarchy(Path home, KeyAlgorithm algorithm, CertificateIssuer issuer, CertificateStore store) {
        this.home = home;
        this.algorithm = algorithm;
        this.issuer = issuer;
        this.store = store;
    }

    public boolean exists() {
        return Files.exists(home.resolve(ISSUING_FILE));
    }

    /** Creates root and issuing CA; returns the issuing signer (chain: issuing, root). */
    public KeyFileSigner create(ProfileFactory profiles, char[] pass) {
        KeyFileSigner root;
        if (Files.exists(home.resolve(ROOT_FILE))) {
            root = KeyFileSigner.load(home.resolve(ROOT_FILE), ROOT_ALIAS, pass);
        } else {
            KeyPair rootKeys = algorithm.generate();
            CertificateTemplate t = profiles.rootCa(rootKeys.getPublic());
            X509Certificate rootCert = selfSign(t, rootKeys);
            write(ROOT_FILE, ROOT_ALIAS, rootKeys, List.of(rootCert), pass);
            root = new KeyFileSigner(rootKeys.getPrivate(), List.of(rootCert));
            record(rootCert, t);
        }
        KeyPair keys = algorithm.generate();
        CertificateTemplate t = profiles.issuingCa(keys.getPublic(), root.certificate());
        X509Certificate cert = issuer.sign(t, issuer.newSerial(), root);
        write(ISSUING_FILE, ISSUING_ALIAS, keys, List.of(cert, root.certificate()), pass);
        record(cert, t);
        return new KeyFileSigner(keys.getPrivate(), List.of(cert, root.certificate()));
    }

    /** The root's signer if {@code root-ca.p12} is here (it may have been moved offline). */
    public java.util.Optional<KeyFileSigner> loadRoot(char[] pass) {
        Path file = home.resolve(ROOT_FILE);
        return Files.exists(file) ? java.util.Optional.of(KeyFileSigner.load(file, ROOT_ALIAS, pass)) : java.util.Optional.empty();
    }

    public KeyFileSigner loadIssuing(char[] pass) {
        return KeyFileSigner.load(home.resolve(ISSUING_FILE), ISSUING_ALIAS, pass);
    }

    /**
     * Rewrites key files of an older format (fewer than {@link Pkcs12Files#ITERATIONS} iterations;
     * an OCSP signer file still under the passphrase) in the current one. Runs at every unlock;
     * a file already current is only parsed. Returns the names of the files rewritten.
     */
    public List<String> upgradeKeyFiles(char[] pass, MasterKey keys) {
        List<String> upgraded = new java.util.ArrayList<>();
        for (String[] f : new String[][] {{ROOT_FILE, ROOT_ALIAS}, {ISSUING_FILE, ISSUING_ALIAS}}) {
            Path file = home.resolve(f[0]);
            if (Files.exists(file) && Pkcs12Files.weakestIterationCount(file) < Pkcs12Files.ITERATIONS) {
                Pkcs12Files.Entry e = Pkcs12Files.read(file, f[1], pass);
                replace(file, f[1], e.key(), e.chain(), pass);
                upgraded.add(f[0]);
            }
        }
        Path ocsp = home.resolve(OCSP_FILE);
        if (Files.exists(ocsp) && Pkcs12Files.weakestIterationCount(ocsp) < Pkcs12Files.ITERATIONS) {
            Pkcs12Files.Entry e = Pkcs12Files.read(ocsp, OCSP_ALIAS, pass);
            char[] p = keys.password(OCSP_FILE);
            try {
                replace(ocsp, OCSP_ALIAS, e.key(), e.chain(), p);
            } finally {
                Arrays.fill(p, '\0');
            }
            upgraded.add(OCSP_FILE);
        }
        return upgraded;
    }

    /** Loads the OCSP signer, or issues a new one if it is missing or expires within 30 days. */
    public KeyFileSigner ocspSigner(Signer issuing, ProfileFactory profiles, java.time.Instant now, MasterKey keys) {
        char[] pass = keys.password(OCSP_FILE);
        try {
            Path file = home.resolve(OCSP_FILE);
            if (Files.exists(file)) {
                KeyFileSigner s = KeyFileSigner.load(file, OCSP_ALIAS, pass);
                if (s.certificate().getNotAfter().toInstant().isAfter(now.plus(OCSP_RENEW_BEFORE))
                        && s.certificate().getIssuerX500Principal().equals(issuing.certificate().getSubjectX500Principal())) {
                    return s;
                }
            }
            KeyPair ocspKeys = KeyAlgorithm.EC_P256.generate();
            CertificateTemplate t = profiles.ocspSigner(ocspKeys.getPublic(), issuing.certificate());
            X509Certificate cert = issuer.sign(t, issuer.newSerial(), issuing);
            replace(file, OCSP_ALIAS, ocspKeys.getPrivate(), List.of(cert, issuing.certificate()), pass);
            record(cert, t);
            return new KeyFileSigner(ocspKeys.getPrivate(), List.of(cert, issuing.certificate()));
        } finally {
            Arrays.fill(pass, '\0');
        }
    }

    /** Writes a new version of {@code file} beside it, then renames it over the old one. */
    private static void replace(Path file, String alias, java.security.PrivateKey key, List<X509Certificate> chain, char[] password) {
        Path tmp = file.resolveSibling(file.getFileName() + ".new");
        try {
            Files.deleteIfExists(tmp);
            try (OutputStream out = Pkcs12Files.createPrivateFile(tmp)) {
                Pkcs12Files.write(alias, key, chain, password, out);
            }
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new CaException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private X509Certificate selfSign(CertificateTemplate t, KeyPair keys) {
        KeyFileSigner keyOnly = new KeyFileSigner(keys.getPrivate(), List.of());
        Signer bootstrap = new Signer() {
            @Override
            public X509Certificate certificate() {
                throw new IllegalStateException("the root certificate does not exist yet");
            }

            @Override
            public org.bouncycastle.operator.ContentSigner contentSigner() {
                return keyOnly.contentSigner();
            }
        };
        return issuer.sign(t, issuer.newSerial(), bootstrap);
    }

    private void write(String file, String alias, KeyPair keys, List<X509Certificate> chain, char[] pass) {
        try {
            Files.createDirectories(home);
            try (OutputStream out = Pkcs12Files.createPrivateFile(home.resolve(file))) {
                Pkcs12Files.write(alias, keys.getPrivate(), chain, pass, out);
            }
        } catch (IOException e) {
            throw new CaException("cannot write " + home.resolve(file) + ": " + e.getMessage(), e);
        }
    }

    private void record(X509Certificate cert, CertificateTemplate t) {
        try {
            store.insert(new CertificateRecord(cert.getSerialNumber(), cert.getIssuerX500Principal().getName(),
                    cert.getSubjectX500Principal().getName(), null, t.profile().name(), null,
                    cert.getNotBefore().toInstant(), cert.getNotAfter().toInstant(), CertificateStatus.good(), cert),
                    cert.getEncoded());
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new CaException("cannot encode " + cert.getSubjectX500Principal(), e);
        }
    }
}

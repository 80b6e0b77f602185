package org.civicmail.ca.authority;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.civicmail.ca.CaException;
import org.civicmail.ca.CertificateRecord;
import org.civicmail.ca.CertificateStatus;
import org.civicmail.ca.IssuerSlot;
import org.civicmail.ca.KeyAlgorithm;
import org.civicmail.ca.keys.KeyFileSigner;
import org.civicmail.ca.keys.MasterKey;
import org.civicmail.ca.keys.ParallelKeyWork;
import org.civicmail.ca.keys.Pkcs12Files;
import org.civicmail.ca.keys.Signer;
import org.civicmail.ca.profile.CertificateTemplate;
import org.civicmail.ca.profile.ProfileFactory;
import org.civicmail.ca.store.CertificateStore;

/**
 * The CA's own keys under the home directory: {@code root-ca.p12} (read only to create issuing CAs and to sign
 * the root CRL; may be moved offline afterwards) and one key file per issuing CA ({@link IssuerSlot#keyFile()}:
 * {@code smime-ca.p12}, {@code tls-ca.p12}, and {@code issuing-ca.p12} in data directories older than the
 * purpose-bound CAs), encrypted under the CA passphrase; one OCSP signer per issuing CA
 * ({@link IssuerSlot#ocspFile()}), which the CA replaces by itself while running and therefore encrypts under a
 * password from the {@link MasterKey} (the passphrase is gone by then). All are written by {@link Pkcs12Files}
 * and replaced atomically.
 */
public final class Hierarchy {
    public static final String ROOT_FILE = "root-ca.p12";
    public static final String ISSUING_FILE = IssuerSlot.LEGACY.keyFile();
    public static final String OCSP_FILE = IssuerSlot.LEGACY.ocspFile();
    public static final String ROOT_ALIAS = "root-ca";
    public static final String ISSUING_ALIAS = IssuerSlot.LEGACY.alias();
    public static final String OCSP_ALIAS = "ocsp-signer";
    /** The OCSP signer is replaced when it has less than this left. */
    public static final Duration OCSP_RENEW_BEFORE = Duration.ofDays(30);

    private final Path home;
    private final KeyAlgorithm algorithm;
    private final CertificateIssuer issuer;
    private final CertificateStore store;
    /**
     * The root's signer once created or decrypted during this unlock, until {@link #forgetRoot}: one unlock may need
     * it up to three times (create the issuing CAs, sign the root CRL) and every read of {@code root-ca.p12} costs
     * two PBKDF2 runs at {@link Pkcs12Files#ITERATIONS} (its MAC and its key), about a second each on the C1-only
     * server JVM.
     */
    private KeyFileSigner unlockedRoot;

    public Hierarchy(Path home, KeyAlgorithm algorithm, CertificateIssuer issuer, CertificateStore store) {
        this.home = home;
        this.algorithm = algorithm;
        this.issuer = issuer;
        this.store = store;
    }

    /** True if some issuing CA exists (the CA was set up before). */
    public boolean exists() {
        return Arrays.stream(IssuerSlot.values()).anyMatch(this::exists);
    }

    public boolean exists(IssuerSlot slot) {
        return Files.exists(home.resolve(slot.keyFile()));
    }

    /**
     * Creates the root (unless {@code root-ca.p12} is here already) and the issuing CAs: the S/MIME and the TLS
     * issuing CA, constrained to {@code mailDomains} and {@code hostNames}, or, without names, the one
     * unconstrained first-generation issuing CA. Returns the new issuing signers (chain: issuing, root). The key
     * files are written on {@code work}'s threads, side by side (each write costs two PBKDF2 runs).
     */
    public Map<IssuerSlot, KeyFileSigner> create(ProfileFactory profiles, char[] pass, List<String> mailDomains, List<String> hostNames,
                                                 ParallelKeyWork work) {
        KeyFileSigner root;
        CompletableFuture<Void> rootWritten = CompletableFuture.completedFuture(null);
        if (Files.exists(home.resolve(ROOT_FILE))) {
            root = loadRoot(pass).orElseThrow();
        } else {
            KeyPair rootKeys = algorithm.generate();
            CertificateTemplate t = profiles.rootCa(rootKeys.getPublic());
            X509Certificate rootCert = selfSign(t, rootKeys);
            // The issuing CAs need the root's key, not its file: the file is encrypted while they are made.
            rootWritten = work.submit(() -> {
                write(ROOT_FILE, ROOT_ALIAS, rootKeys, List.of(rootCert), pass);
                return null;
            });
            root = new KeyFileSigner(rootKeys.getPrivate(), List.of(rootCert));
            synchronized (this) {
                unlockedRoot = root;
            }
            record(rootCert, t);
        }
        Map<IssuerSlot, KeyFileSigner> made;
        if (mailDomains.isEmpty()) {
            KeyPair keys = algorithm.generate();
            made = Map.of(IssuerSlot.LEGACY, createIssuing(IssuerSlot.LEGACY, profiles.issuingCa(keys.getPublic(), root.certificate()),
                    keys, root, pass));
        } else {
            made = createBound(profiles, root, pass, mailDomains, hostNames, work);
        }
        ParallelKeyWork.join(rootWritten);
        return made;
    }

    /**
     * Creates the S/MIME and TLS issuing CAs under an existing root (the in-place upgrade of a data directory
     * made with the first-generation CA), the two on {@code work}'s threads. The first-generation CA stays: what it
     * issued stays valid.
     */
    public Map<IssuerSlot, KeyFileSigner> createBound(ProfileFactory profiles, KeyFileSigner root, char[] pass,
                                                       List<String> mailDomains, List<String> hostNames, ParallelKeyWork work) {
        Map<IssuerSlot, CompletableFuture<KeyFileSigner>> making = new EnumMap<>(IssuerSlot.class);
        making.put(IssuerSlot.SMIME, work.submit(() -> {
            KeyPair smime = algorithm.generate();
            return createIssuing(IssuerSlot.SMIME, profiles.smimeIssuingCa(smime.getPublic(), root.certificate(), mailDomains),
                    smime, root, pass);
        }));
        making.put(IssuerSlot.TLS, work.submit(() -> {
            KeyPair tls = algorithm.generate();
            return createIssuing(IssuerSlot.TLS, profiles.tlsIssuingCa(tls.getPublic(), root.certificate(), hostNames), tls, root, pass);
        }));
        return new EnumMap<>(ParallelKeyWork.joinAll(making));
    }

    private KeyFileSigner createIssuing(IssuerSlot slot, CertificateTemplate t, KeyPair keys, KeyFileSigner root, char[] pass) {
        X509Certificate cert = issuer.sign(t, issuer.newSerial(), root);
        write(slot.keyFile(), slot.alias(), keys, List.of(cert, root.certificate()), pass);
        record(cert, t);
        return new KeyFileSigner(keys.getPrivate(), List.of(cert, root.certificate()));
    }

    /**
     * The root's signer if {@code root-ca.p12} is here (it may have been moved offline); read once per unlock
     * (see {@link #forgetRoot}).
     */
    public synchronized java.util.Optional<KeyFileSigner> loadRoot(char[] pass) {
        Path file = home.resolve(ROOT_FILE);
        if (unlockedRoot == null && Files.exists(file)) {
            unlockedRoot = KeyFileSigner.load(file, ROOT_ALIAS, pass);
        }
        return java.util.Optional.ofNullable(unlockedRoot);
    }

    /** Drops the root's key from memory: it is needed only while the CA unlocks, like the passphrase. */
    public synchronized void forgetRoot() {
        unlockedRoot = null;
    }

    /** Every issuing CA whose key file is here, the files decrypted side by side on {@code work}'s threads. */
    public Map<IssuerSlot, KeyFileSigner> loadIssuing(char[] pass, ParallelKeyWork work) {
        Map<IssuerSlot, CompletableFuture<KeyFileSigner>> loading = new EnumMap<>(IssuerSlot.class);
        for (IssuerSlot slot : IssuerSlot.values()) {
            if (exists(slot)) {
                loading.put(slot, work.submit(() -> KeyFileSigner.load(home.resolve(slot.keyFile()), slot.alias(), pass)));
            }
        }
        return new EnumMap<>(ParallelKeyWork.joinAll(loading));
    }

    /**
     * Rewrites key files of an older format (fewer than {@link Pkcs12Files#ITERATIONS} iterations;
     * an OCSP signer file still under the passphrase) in the current one. Runs at every unlock;
     * a file already current is only parsed. Returns the names of the files rewritten.
     */
    public List<String> upgradeKeyFiles(char[] pass, MasterKey keys) {
        List<String> upgraded = new java.util.ArrayList<>();
        List<String[]> passphraseFiles = new java.util.ArrayList<>();
        passphraseFiles.add(new String[] {ROOT_FILE, ROOT_ALIAS});
        for (IssuerSlot slot : IssuerSlot.values()) {
            passphraseFiles.add(new String[] {slot.keyFile(), slot.alias()});
        }
        for (String[] f : passphraseFiles) {
            Path file = home.resolve(f[0]);
            if (Files.exists(file) && Pkcs12Files.weakestIterationCount(file) < Pkcs12Files.ITERATIONS) {
                Pkcs12Files.Entry e = Pkcs12Files.read(file, f[1], pass);
                replace(file, f[1], e.key(), e.chain(), pass);
                upgraded.add(f[0]);
            }
        }
        // Only the first-generation OCSP signer ever existed under the passphrase.
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

    /**
     * Loads the OCSP signer of one issuing CA, or issues a new one if it is missing, expires within 30 days or
     * belongs to another issuer.
     */
    public KeyFileSigner ocspSigner(IssuerSlot slot, Signer issuing, ProfileFactory profiles, java.time.Instant now, MasterKey keys) {
        char[] pass = keys.password(slot.ocspFile());
        try {
            Path file = home.resolve(slot.ocspFile());
            if (Files.exists(file)) {
                KeyFileSigner s = KeyFileSigner.load(file, OCSP_ALIAS, pass);
                if (s.certificate().getNotAfter().toInstant().isAfter(now.plus(OCSP_RENEW_BEFORE))
                        && s.certificate().getIssuerX500Principal().equals(issuing.certificate().getSubjectX500Principal())) {
                    return s;
                }
            }
            // The signer's key is of its CA's kind: a client that can check the CA's signatures (gpgsm 2.2 checks no
            // ECDSA ones, so a city on RSA has RSA issuing CAs) can check the OCSP responses too.
            KeyAlgorithm kind = "RSA".equals(issuing.certificate().getPublicKey().getAlgorithm()) ? KeyAlgorithm.RSA_3072 : KeyAlgorithm.EC_P256;
            KeyPair ocspKeys = kind.generate();
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

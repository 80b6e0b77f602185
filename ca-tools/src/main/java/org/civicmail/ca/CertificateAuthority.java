package org.civicmail.ca;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.civicmail.ca.audit.AuditCheckpoint;
import org.civicmail.ca.audit.AuditLog;
import org.civicmail.ca.audit.AuditVerification;
import org.civicmail.ca.authority.CertificateIssuer;
import org.civicmail.ca.authority.CsrValidator;
import org.civicmail.ca.authority.Hierarchy;
import org.civicmail.ca.crl.CrlPublisher;
import org.civicmail.ca.crl.RootCrl;
import org.civicmail.ca.keys.KeyFileSigner;
import org.civicmail.ca.keys.MasterKey;
import org.civicmail.ca.keys.Pkcs12Files;
import org.civicmail.ca.keys.Signer;
import org.civicmail.ca.lint.Linter;
import org.civicmail.ca.ocsp.OcspResponder;
import org.civicmail.ca.profile.CertProfile;
import org.civicmail.ca.profile.CertificateTemplate;
import org.civicmail.ca.profile.ProfileFactory;
import org.civicmail.ca.store.CertificateStore;
import org.civicmail.ca.store.DerbyCertificateStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The city's certificate authority, used in-process by the mail server and by the {@code ca}
 * commands.
 *
 * <p>Lifecycle: {@link #open} once (creates the root CA, issuing CA and OCSP signer on first use,
 * then loads them), use from any number of threads, {@link #close} at shutdown. All methods are
 * thread-safe. Errors are {@link CaException}s ({@link InvalidInputException} for refused input)
 * whose messages name the input and the fix and never contain key material or passphrases.
 */
public final class CertificateAuthority implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CertificateAuthority.class);

    private final CaConfig config;
    private final SubjectDirectory directory;
    private final CertificateStore store;
    private final CertificateIssuer issuer;
    private final ProfileFactory profiles;
    private final Hierarchy hierarchy;
    private final KeyFileSigner issuing;
    private volatile KeyFileSigner ocspSigner;
    private final CrlPublisher crl;
    private final OcspResponder ocsp;
    private final AuditLog audit;
    private final MasterKey masterKey;
    private final boolean createdNow;
    private final ScheduledExecutorService maintenance;

    private CertificateAuthority(CaConfig config, SubjectDirectory directory) {
        this.directory = directory;
        this.store = new DerbyCertificateStore(config.dataSource());
        this.issuer = new CertificateIssuer(Linter.standard(), new SecureRandom());
        this.profiles = new ProfileFactory(config.country(), config.organization(), config.urls(), config.clock());
        this.hierarchy = new Hierarchy(config.home(), config.keyAlgorithm(), issuer, store);
        // The passphrase is read once, unlocks the keys and derives the master key, and is cleared:
        // nothing after this point can ask for it again (see PassphraseSource#discarded).
        List<String> upgraded;
        long rootCrlNumber;
        char[] pass = config.passphrase().passphrase(); // fails here, naming the variable to set, if there is none
        try {
            synchronized (CertificateAuthority.class) {
                this.createdNow = !hierarchy.exists();
                if (createdNow) {
                    PassphrasePolicy.require(pass, config.passphrase());
                } else if (!config.passphrase().generated()) {
                    PassphrasePolicy.problem(pass).ifPresent(p -> LOG.warn("The CA passphrase from {} is weaker than a new CA"
                            + " would accept ({}; the rule is {}); choose a stronger one when the CA is next set up",
                            config.passphrase().origin(), p, PassphrasePolicy.RULE));
                }
                this.issuing = createdNow ? hierarchy.create(profiles, pass) : hierarchy.loadIssuing(pass);
                this.masterKey = MasterKey.unlock(config.home(), pass);
                upgraded = hierarchy.upgradeKeyFiles(pass, masterKey);
                rootCrlNumber = issueRootCrlIfDue(config, pass);
            }
        } finally {
            Arrays.fill(pass, '\0');
        }
        this.config = config.withPassphrase(PassphraseSource.discarded());
        this.audit = new AuditLog(config.home().resolve("audit.log"), store, config.clock(),
                System.getProperty("user.name", "unknown"), masterKey.auditSeal());
        if (!upgraded.isEmpty()) {
            audit.append("upgrade-key-files", "files=" + String.join(",", upgraded) + " pbkdf2-iterations=" + Pkcs12Files.ITERATIONS);
        }
        audit.sealIfUnsealed();
        if (rootCrlNumber > 0 && !createdNow) {
            audit.append("issue-root-crl", "number=" + rootCrlNumber);
        }
        this.ocspSigner = hierarchy.ocspSigner(issuing, profiles, config.clock().instant(), masterKey);
        if (createdNow) {
            audit.append("init", "root=" + SerialNumbers.toHex(trustAnchor().getSerialNumber())
                    + " issuing=" + SerialNumbers.toHex(issuing.certificate().getSerialNumber())
                    + " ocsp-signer=" + SerialNumbers.toHex(ocspSigner.certificate().getSerialNumber())
                    + " root-crl=" + rootCrlNumber);
        }
        this.crl = new CrlPublisher(store, () -> issuing, config.clock());
        this.ocsp = new OcspResponder(() -> ocspSigner, issuing.certificate(), store::status, config.clock());
        crl.current();
        this.maintenance = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ca-maintenance");
            t.setDaemon(true);
            return t;
        });
        maintenance.scheduleWithFixedDelay(this::maintain, 1, 1, TimeUnit.HOURS);
    }

    /** Signs a new root CRL if it is due and the root key is here; returns its number, 0 if none was signed. */
    private long issueRootCrlIfDue(CaConfig config, char[] pass) {
        if (!RootCrl.due(config.home(), config.clock().instant())) {
            return 0;
        }
        Optional<KeyFileSigner> root = hierarchy.loadRoot(pass);
        if (root.isEmpty()) {
            LOG.warn("The root CRL ({}) is due but {} is not in {}: bring the root key back and restart once to renew it",
                    RootCrl.FILE, Hierarchy.ROOT_FILE, config.home());
            return 0;
        }
        return RootCrl.issue(config.home(), root.get(), store, config.clock().instant());
    }

    /**
     * Opens the CA described by {@code config}, creating the hierarchy if this is the first use
     * (idempotent). {@code directory} supplies the subject of every account certificate.
     */
    public static CertificateAuthority open(CaConfig config, SubjectDirectory directory) {
        return new CertificateAuthority(config, directory);
    }

    /** True if {@link #open} created the root and issuing CA just now. */
    public boolean createdOnOpen() {
        return createdNow;
    }

    /** Reissues the CRL if it is due and renews the OCSP signer before it expires; runs hourly. */
    public void maintain() {
        try {
            crl.current();
            X509Certificate o = ocspSigner.certificate();
            if (!o.getNotAfter().toInstant().isAfter(config.clock().instant().plus(Hierarchy.OCSP_RENEW_BEFORE))) {
                ocspSigner = hierarchy.ocspSigner(issuing, profiles, config.clock().instant(), masterKey);
                audit.append("renew-ocsp-signer", "serial=" + SerialNumbers.toHex(ocspSigner.certificate().getSerialNumber()));
            }
        } catch (RuntimeException e) {
            LOG.error("CA maintenance failed: {}", e.getMessage());
        }
    }

    // ---------------------------------------------------------------- issuing

    /** Generates a key pair (the configured algorithm) and issues the account's S/MIME certificate. */
    public IssuedCredential issueForAccount(String address) {
        return issueForAccount(address, config.keyAlgorithm());
    }

    public IssuedCredential issueForAccount(String address, KeyAlgorithm algorithm) {
        Subject subject = subjectOf(address);
        KeyPair keys = algorithm.generate();
        IssuedCertificate issued = issueSmime(subject, keys.getPublic(), "issue", "generated-key");
        return new IssuedCredential(keys.getPrivate(), issued);
    }

    /** Issues the account's S/MIME certificate for the key in a PKCS#10 request (PEM or DER). */
    public IssuedCertificate issueFromCsr(String address, byte[] csr) {
        Subject subject = subjectOf(address);
        PublicKey key = CsrValidator.validate(csr, subject.emailAddress());
        return issueSmime(subject, key, "issue", "csr");
    }

    /** Renews an account certificate with a new key; the old certificate stays valid until revoked. */
    public IssuedCredential renew(BigInteger oldSerial) {
        CertificateRecord old = accountCertificate(oldSerial);
        Subject subject = subjectOf(old.account());
        KeyPair keys = config.keyAlgorithm().generate();
        return new IssuedCredential(keys.getPrivate(),
                issueSmime(subject, keys.getPublic(), "renew", "generated-key replaces=" + old.serialHex()));
    }

    /** Renews an account certificate for the key in a CSR (which may be the same key as before). */
    public IssuedCertificate renewFromCsr(BigInteger oldSerial, byte[] csr) {
        CertificateRecord old = accountCertificate(oldSerial);
        Subject subject = subjectOf(old.account());
        PublicKey key = CsrValidator.validate(csr, subject.emailAddress());
        return issueSmime(subject, key, "renew", "csr replaces=" + old.serialHex());
    }

    /** Issues a TLS server certificate (serverAuth) for DNS names or IP addresses; first name is the CN. */
    public IssuedCredential issueTlsServer(String... dnsNames) {
        List<String> names = Arrays.asList(dnsNames);
        KeyPair keys = config.keyAlgorithm().generate();
        CertificateTemplate t = profiles.tlsServer(names, keys.getPublic(), issuing.certificate());
        IssuedCertificate issued = sign(t, null, String.join(",", names));
        audit.append("issue", "serial=" + SerialNumbers.toHex(issued.serial()) + " profile=TLS_SERVER names=" + String.join(",", names));
        return new IssuedCredential(keys.getPrivate(), issued);
    }

    private CertificateRecord accountCertificate(BigInteger serial) {
        CertificateRecord r = find(serial).orElseThrow(() -> unknownSerial(serial));
        if (r.account() == null) {
            throw new InvalidInputException("certificate " + r.serialHex() + " is a " + r.profile()
                    + " certificate, not an account certificate; only account certificates can be renewed this way");
        }
        return r;
    }

    private Subject subjectOf(String address) {
        String normalized = Subject.normalizeAddress(address);
        Subject s = directory.find(normalized).orElseThrow(() -> new InvalidInputException("address " + normalized
                + " has no account in the account directory; create the account before issuing its certificate"));
        if (!s.emailAddress().equalsIgnoreCase(normalized)) {
            throw new CaException("the account directory returned " + s.emailAddress() + " when asked for " + normalized);
        }
        return s;
    }

    private IssuedCertificate issueSmime(Subject subject, PublicKey key, String action, String how) {
        CertificateTemplate t = profiles.smime(subject, key, issuing.certificate());
        IssuedCertificate issued = sign(t, subject.emailAddress(), subject.emailAddress());
        audit.append(action, "serial=" + SerialNumbers.toHex(issued.serial()) + " profile=" + t.profile()
                + " account=" + subject.emailAddress() + " key=" + how);
        return issued;
    }

    private IssuedCertificate sign(CertificateTemplate t, String account, String san) {
        for (int attempt = 0; attempt < 5; attempt++) {
            BigInteger serial = issuer.newSerial();
            X509Certificate cert = issuer.sign(t, serial, issuing);
            byte[] der;
            try {
                der = cert.getEncoded();
            } catch (CertificateEncodingException e) {
                throw new CaException("cannot encode the new certificate", e);
            }
            CertificateRecord r = new CertificateRecord(serial, cert.getIssuerX500Principal().getName(),
                    cert.getSubjectX500Principal().getName(), san, t.profile().name(), account,
                    cert.getNotBefore().toInstant(), cert.getNotAfter().toInstant(), CertificateStatus.good(), cert);
            if (store.insert(r, der)) {
                return new IssuedCertificate(cert, chain());
            }
        }
        throw new CaException("could not find an unused serial number in 5 attempts; check the random source");
    }

    // ---------------------------------------------------------------- revocation

    /**
     * Revokes a certificate and reissues the CRL. A revoked certificate can only move from
     * certificateHold to another reason; {@link RevocationReason#removeFromCRL} releases a hold.
     */
    public CertificateStatus revoke(BigInteger serial, RevocationReason reason) {
        CertificateRecord r = find(serial).orElseThrow(() -> unknownSerial(serial));
        if (reason == RevocationReason.removeFromCRL) {
            if (!store.releaseHold(serial)) {
                throw new InvalidInputException("certificate " + r.serialHex() + " is " + r.status()
                        + "; only a certificate on certificateHold can be released with removeFromCRL");
            }
            crl.reissue();
            audit.append("release-hold", "serial=" + r.serialHex());
            return status(serial);
        }
        if (!store.revoke(serial, config.clock().instant(), reason)) {
            throw new InvalidInputException("certificate " + r.serialHex() + " is already " + store.status(serial)
                    + "; revocation is permanent (only certificateHold can be changed)");
        }
        crl.reissue();
        audit.append("revoke", "serial=" + r.serialHex() + " reason=" + reason + (r.account() == null ? "" : " account=" + r.account()));
        return status(serial);
    }

    /** good / revoked(time, reason) / unknown, from an in-memory cache; cheap enough for every message. */
    public CertificateStatus status(BigInteger serial) {
        return store.status(serial);
    }

    /** Status of a certificate, {@code unknown} if this CA's issuing CA did not issue it. */
    public CertificateStatus status(X509Certificate certificate) {
        if (!certificate.getIssuerX500Principal().equals(issuing.certificate().getSubjectX500Principal())) {
            return CertificateStatus.unknown();
        }
        return status(certificate.getSerialNumber());
    }

    private InvalidInputException unknownSerial(BigInteger serial) {
        return new InvalidInputException("no certificate with serial " + SerialNumbers.toHex(serial) + " (decimal "
                + serial + ") was issued by this CA; `ca list` shows the serials in hex");
    }

    // ---------------------------------------------------------------- reading

    public X509Certificate trustAnchor() {
        return issuing.chain().get(1);
    }

    /** The issuing CA certificate, then the root. */
    public List<X509Certificate> chain() {
        return List.of(issuing.certificate(), trustAnchor());
    }

    public X509Certificate ocspSignerCertificate() {
        return ocspSigner.certificate();
    }

    public Optional<CertificateRecord> find(BigInteger serial) {
        return store.find(serial);
    }

    /** The account's certificates, newest first. */
    public List<CertificateRecord> certificatesFor(String address) {
        return store.byAccount(Subject.normalizeAddress(address));
    }

    /** Newest first; {@code profile} null for all. */
    public List<CertificateRecord> list(CertProfile profile, int offset, int limit) {
        return store.list(profile == null ? null : profile.name(), offset, limit);
    }

    /** The current CRL, DER encoded (reissued first if due). */
    public byte[] currentCrl() {
        return crl.current();
    }

    /** The root's CRL (ARL, DER) listing revoked issuing CAs. */
    public byte[] rootCrl() {
        try {
            return RootCrl.current(config.home()).orElseThrow(() -> new CaException("no root CRL has been issued yet: unlock the CA"
                    + " once with " + Hierarchy.ROOT_FILE + " in " + config.home())).getEncoded();
        } catch (java.io.IOException e) {
            throw new CaException("cannot encode the root CRL: " + e.getMessage(), e);
        }
    }

    /** Forces a new CRL now and returns it. */
    public byte[] reissueCrl() {
        return crl.reissue();
    }

    public OcspResponder ocspResponder() {
        return ocsp;
    }

    public AuditVerification verifyAuditLog() {
        return audit.verify();
    }

    /** Also checks that the log still holds the entry of an exported checkpoint (rollback, rewrite). */
    public AuditVerification verifyAuditLog(AuditCheckpoint checkpoint) {
        return audit.verify(checkpoint);
    }

    /** A sealed checkpoint of the audit log's head now, for keeping off this machine ({@code ca audit export}). */
    public AuditCheckpoint auditCheckpoint() {
        return audit.checkpoint();
    }

    /**
     * The password of a server-side key file for {@code purpose} (e.g. {@code account:a@b}), derived
     * from the master key: 256 random-looking bits unrelated to the passphrase's text.
     */
    public char[] keyFilePassword(String purpose) {
        return masterKey.password(purpose);
    }

    public CaConfig config() {
        return config;
    }

    /** The names of the certificates in {@link #chain()}, for messages. */
    public String describe() {
        List<X509Certificate> all = new ArrayList<>(chain());
        all.add(ocspSigner.certificate());
        return all.stream().map(c -> c.getSubjectX500Principal().getName() + " serial " + SerialNumbers.toHex(c.getSerialNumber())
                + " until " + c.getNotAfter().toInstant()).collect(Collectors.joining("\n"));
    }

    /** Stops background maintenance. Does not close the host's data source. */
    @Override
    public void close() {
        maintenance.shutdownNow();
        audit.close();
    }

    /** Exposed for tests and the benchmark. */
    public Signer issuingSigner() {
        return issuing;
    }
}

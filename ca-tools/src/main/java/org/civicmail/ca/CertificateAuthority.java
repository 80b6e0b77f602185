package org.civicmail.ca;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
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
import org.civicmail.ca.authority.IssuingCa;
import org.civicmail.ca.crl.RootCrl;
import org.civicmail.ca.keys.KeyFileSigner;
import org.civicmail.ca.keys.MasterKey;
import org.civicmail.ca.keys.ParallelKeyWork;
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
    /** Every issuing CA whose key is here: the purpose-bound ones and, in older data directories, the first one. */
    private final Map<IssuerSlot, IssuingCa> issuers;
    /** Signs new S/MIME certificates: the S/MIME issuing CA, or the first-generation one if there is no other. */
    private final IssuingCa smime;
    /** Signs new TLS server certificates. */
    private final IssuingCa tls;
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
        Map<IssuerSlot, KeyFileSigner> signers;
        Map<IssuerSlot, KeyFileSigner> madeNow;
        Map<IssuerSlot, KeyFileSigner> ocspSigners;
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
                // The key files and the master key cost PBKDF2 runs that do not depend on each other: they run side
                // by side (ParallelKeyWork), which is most of a start's time on the launcher's C1-only JVM.
                try (ParallelKeyWork work = new ParallelKeyWork()) {
                    CompletableFuture<MasterKey> master = work.submit(() -> MasterKey.unlock(config.home(), pass));
                    CompletableFuture<?> rootForCrl = CompletableFuture.completedFuture(null);
                    if (createdNow) {
                        signers = hierarchy.create(profiles, pass, config.mailDomains(), config.hostNames(), work);
                        madeNow = signers;
                    } else {
                        if (RootCrl.due(config.home(), config.clock().instant())) {
                            rootForCrl = work.submit(() -> hierarchy.loadRoot(pass));
                        }
                        signers = new EnumMap<>(hierarchy.loadIssuing(pass, work));
                        madeNow = upgradeToBoundCas(config, signers, pass, work);
                        signers.putAll(madeNow);
                    }
                    this.masterKey = ParallelKeyWork.join(master);
                    upgraded = hierarchy.upgradeKeyFiles(pass, masterKey);
                    // Under the master key (upgradeKeyFiles has moved a first-generation one off the passphrase).
                    Map<IssuerSlot, CompletableFuture<KeyFileSigner>> ocspLoading = new EnumMap<>(IssuerSlot.class);
                    Instant now = config.clock().instant();
                    signers.forEach((slot, signer) -> ocspLoading.put(slot,
                            work.submit(() -> hierarchy.ocspSigner(slot, signer, profiles, now, masterKey))));
                    ParallelKeyWork.join(rootForCrl);
                    rootCrlNumber = issueRootCrlIfDue(config, pass);
                    ocspSigners = ParallelKeyWork.joinAll(ocspLoading);
                }
            }
        } finally {
            Arrays.fill(pass, '\0');
            hierarchy.forgetRoot();
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
        Map<IssuerSlot, IssuingCa> open = new EnumMap<>(IssuerSlot.class);
        for (Map.Entry<IssuerSlot, KeyFileSigner> e : signers.entrySet()) {
            open.put(e.getKey(), new IssuingCa(e.getKey(), e.getValue(), ocspSigners.get(e.getKey()), store, config.clock()));
        }
        this.issuers = Collections.unmodifiableMap(open);
        this.smime = issuers.containsKey(IssuerSlot.SMIME) ? issuers.get(IssuerSlot.SMIME) : issuers.get(IssuerSlot.LEGACY);
        this.tls = issuers.containsKey(IssuerSlot.TLS) ? issuers.get(IssuerSlot.TLS) : issuers.get(IssuerSlot.LEGACY);
        if (createdNow) {
            audit.append("init", "root=" + SerialNumbers.toHex(trustAnchor().getSerialNumber()) + " " + describeIssuers(madeNow.keySet())
                    + " root-crl=" + rootCrlNumber);
        } else if (!madeNow.isEmpty()) {
            audit.append("create-issuing-ca", describeIssuers(madeNow.keySet()) + " names=" + String.join(",", config.mailDomains())
                    + ";" + String.join(",", config.hostNames()));
            LOG.info("Created the purpose-bound issuing CAs ({}); new certificates come from them, those of {} stay valid"
                    + " until `ca renew-all` replaces them", describeIssuers(madeNow.keySet()), Hierarchy.ISSUING_FILE);
        }
        List<OcspResponder.Issuer> forOcsp = new ArrayList<>();
        issuers.values().forEach(i -> forOcsp.add(i.forOcsp()));
        this.ocsp = new OcspResponder(forOcsp, store::status, config.clock());
        issuers.values().forEach(i -> i.crl().current());
        this.maintenance = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ca-maintenance");
            t.setDaemon(true);
            return t;
        });
        maintenance.scheduleWithFixedDelay(this::maintain, 1, 1, TimeUnit.HOURS);
    }

    /**
     * A data directory made before the purpose-bound CAs, opened with names configured: makes the S/MIME and TLS
     * issuing CAs under the root, if the root key is here. Without it, a warning: new certificates keep coming from
     * the first-generation CA until {@code root-ca.p12} is back for one start.
     */
    private Map<IssuerSlot, KeyFileSigner> upgradeToBoundCas(CaConfig config, Map<IssuerSlot, KeyFileSigner> signers, char[] pass,
                                                             ParallelKeyWork work) {
        if (!config.hasNames() || signers.containsKey(IssuerSlot.SMIME)) {
            return Map.of();
        }
        Optional<KeyFileSigner> root = hierarchy.loadRoot(pass);
        if (root.isEmpty()) {
            LOG.warn("The S/MIME and TLS issuing CAs cannot be created: {} is not in {}. Certificates keep coming from the"
                    + " first-generation issuing CA; bring the root key back and start once to create them", Hierarchy.ROOT_FILE, config.home());
            return Map.of();
        }
        return hierarchy.createBound(profiles, root.get(), pass, config.mailDomains(), config.hostNames(), work);
    }

    private String describeIssuers(java.util.Set<IssuerSlot> slots) {
        StringBuilder b = new StringBuilder();
        for (IssuerSlot slot : slots) {
            IssuingCa i = issuers.get(slot);
            b.append(b.length() == 0 ? "" : " ").append(slot.slug()).append('=').append(SerialNumbers.toHex(i.certificate().getSerialNumber()))
                    .append(" ocsp-").append(slot.slug()).append('=').append(SerialNumbers.toHex(i.ocspSigner().certificate().getSerialNumber()));
        }
        return b.toString();
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

    /** Reissues each issuing CA's CRL if it is due and renews its OCSP signer before it expires; runs hourly. */
    public void maintain() {
        for (IssuingCa i : issuers.values()) {
            try {
                i.crl().current();
                X509Certificate o = i.ocspSigner().certificate();
                if (!o.getNotAfter().toInstant().isAfter(config.clock().instant().plus(Hierarchy.OCSP_RENEW_BEFORE))) {
                    i.replaceOcspSigner(hierarchy.ocspSigner(i.slot(), i.signer(), profiles, config.clock().instant(), masterKey));
                    audit.append("renew-ocsp-signer", "issuer=" + i.slot().slug() + " serial="
                            + SerialNumbers.toHex(i.ocspSigner().certificate().getSerialNumber()));
                }
            } catch (RuntimeException e) {
                LOG.error("CA maintenance of the {} issuing CA failed: {}", i.slot().slug(), e.getMessage());
            }
        }
    }

    // ---------------------------------------------------------------- issuing

    /** Generates a key pair (the algorithm configured for the account's class) and issues the account's S/MIME certificate. */
    public IssuedCredential issueForAccount(String address) {
        return issueForAccount(address, config.subscriberKey(KeyUse.of(subjectOf(address))));
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
        KeyPair keys = config.subscriberKey(KeyUse.of(subject)).generate();
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
        KeyPair keys = config.subscriberKey(KeyUse.TLS).generate();
        CertificateTemplate t = profiles.tlsServer(names, keys.getPublic(), tls.certificate());
        IssuedCertificate issued = sign(t, null, String.join(",", names), tls);
        audit.append("issue", "serial=" + SerialNumbers.toHex(issued.serial()) + " profile=TLS_SERVER names=" + String.join(",", names));
        return new IssuedCredential(keys.getPrivate(), issued);
    }

    /** One certificate {@link #renewAll} replaced: the old record and its replacement from the current issuing CA. */
    public record Renewal(CertificateRecord old, IssuedCertificate replacement) {
    }

    /** What {@link #renewAll} did: the certificates replaced, and those it left (with why). */
    public record RenewAllResult(List<Renewal> renewed, List<String> skipped) {
    }

    /**
     * Re-issues every good, unexpired account (S/MIME) and TLS server certificate that an issuing CA other than
     * the current one for its purpose signed (the first-generation CA after the upgrade), for the same public key
     * and with the subject the account directory gives now, under the current S/MIME or TLS issuing CA; hands
     * each replacement to {@code host} (which puts it beside the key it keeps, if any) and then revokes the old
     * certificate with reason superseded. Certificates whose account is gone are left and reported. Safe to run
     * again: a revoked certificate is not renewed twice.
     */
    public RenewAllResult renewAll(java.util.function.Consumer<Renewal> host) {
        List<Renewal> renewed = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        Instant now = config.clock().instant();
        for (IssuingCa old : issuers.values()) {
            if (old == smime && old == tls) {
                continue; // nothing newer to move to
            }
            for (CertificateRecord r : store.goodIssuedBy(old.certificate().getSubjectX500Principal().getName())) {
                CertProfile profile = CertProfile.valueOf(r.profile());
                boolean account = profile.isSmime() && r.account() != null;
                IssuingCa to = account ? smime : tls;
                if ((!account && profile != CertProfile.TLS_SERVER) || to == old || !r.notAfter().isAfter(now)) {
                    continue;
                }
                IssuedCertificate replacement;
                if (account) {
                    Optional<Subject> subject = directory.find(r.account());
                    if (subject.isEmpty()) {
                        skipped.add(r.serialHex() + " " + r.account() + ": the account no longer exists; revoke it with `ca revoke`");
                        continue;
                    }
                    replacement = issueSmime(subject.get(), r.certificate().getPublicKey(), "renew",
                            "same-key replaces=" + r.serialHex() + " (renew-all)");
                } else {
                    List<String> names = List.of(r.san().split(","));
                    CertificateTemplate t = profiles.tlsServer(names, r.certificate().getPublicKey(), tls.certificate());
                    replacement = sign(t, null, r.san(), tls);
                    audit.append("renew", "serial=" + SerialNumbers.toHex(replacement.serial()) + " profile=TLS_SERVER names=" + r.san()
                            + " key=same-key replaces=" + r.serialHex() + " (renew-all)");
                }
                Renewal renewal = new Renewal(r, replacement);
                host.accept(renewal);
                revoke(r.serial(), RevocationReason.superseded);
                renewed.add(renewal);
            }
        }
        return new RenewAllResult(List.copyOf(renewed), List.copyOf(skipped));
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
        CertificateTemplate t = profiles.smime(subject, key, smime.certificate());
        IssuedCertificate issued = sign(t, subject.emailAddress(), subject.emailAddress(), smime);
        audit.append(action, "serial=" + SerialNumbers.toHex(issued.serial()) + " profile=" + t.profile()
                + " account=" + subject.emailAddress() + " key=" + how);
        return issued;
    }

    private IssuedCertificate sign(CertificateTemplate t, String account, String san, IssuingCa by) {
        for (int attempt = 0; attempt < 5; attempt++) {
            BigInteger serial = issuer.newSerial();
            X509Certificate cert = issuer.sign(t, serial, by.signer());
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
                return new IssuedCertificate(cert, by.chain());
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
            reissueCrlOf(r);
            audit.append("release-hold", "serial=" + r.serialHex());
            return status(serial);
        }
        if (!store.revoke(serial, config.clock().instant(), reason)) {
            throw new InvalidInputException("certificate " + r.serialHex() + " is already " + store.status(serial)
                    + "; revocation is permanent (only certificateHold can be changed)");
        }
        reissueCrlOf(r);
        audit.append("revoke", "serial=" + r.serialHex() + " reason=" + reason + (r.account() == null ? "" : " account=" + r.account()));
        return status(serial);
    }

    /** Reissues the CRL of the issuing CA that issued {@code r} (a revoked issuing CA goes on the root CRL at the next unlock). */
    private void reissueCrlOf(CertificateRecord r) {
        for (IssuingCa i : issuers.values()) {
            if (i.certificate().getSubjectX500Principal().getName().equals(r.issuer())) {
                i.crl().reissue();
            }
        }
    }

    /** good / revoked(time, reason) / unknown, from an in-memory cache; cheap enough for every message. */
    public CertificateStatus status(BigInteger serial) {
        return store.status(serial);
    }

    /**
     * Status of a certificate, {@code unknown} unless one of our issuing CAs issued it (issuer name and authority
     * key identifier; the caller has checked the signature).
     */
    public CertificateStatus status(X509Certificate certificate) {
        for (IssuingCa i : issuers.values()) {
            if (i.issued(certificate)) {
                return status(certificate.getSerialNumber());
            }
        }
        return CertificateStatus.unknown();
    }

    private InvalidInputException unknownSerial(BigInteger serial) {
        return new InvalidInputException("no certificate with serial " + SerialNumbers.toHex(serial) + " (decimal "
                + serial + ") was issued by this CA; `ca list` shows the serials in hex");
    }

    // ---------------------------------------------------------------- reading

    public X509Certificate trustAnchor() {
        return smime.chain().get(1);
    }

    /** The chain of new S/MIME certificates: the S/MIME issuing CA's certificate, then the root. */
    public List<X509Certificate> chain() {
        return smime.chain();
    }

    /** The chain of new TLS server certificates: the TLS issuing CA's certificate, then the root. */
    public List<X509Certificate> tlsChain() {
        return tls.chain();
    }

    /**
     * Every CA certificate of ours: each issuing CA (also the first-generation one, whose certificates stay valid
     * until renewed), then the root. What a verifier needs to recognise all our certificates.
     */
    public List<X509Certificate> caCertificates() {
        List<X509Certificate> all = new ArrayList<>();
        issuers.values().forEach(i -> all.add(i.certificate()));
        all.add(trustAnchor());
        return List.copyOf(all);
    }

    /** The certificate of one issuing CA, if this CA has it. */
    public Optional<X509Certificate> issuingCertificate(IssuerSlot slot) {
        return Optional.ofNullable(issuers.get(slot)).map(IssuingCa::certificate);
    }

    /** The issuing CA new S/MIME certificates come from ({@link IssuerSlot#SMIME}, or LEGACY if it is the only one). */
    public IssuerSlot smimeIssuer() {
        return smime.slot();
    }

    public IssuerSlot tlsIssuer() {
        return tls.slot();
    }

    /** The OCSP signer of the S/MIME issuing CA. */
    public X509Certificate ocspSignerCertificate() {
        return smime.ocspSigner().certificate();
    }

    public X509Certificate ocspSignerCertificate(IssuerSlot slot) {
        return issuer(slot).ocspSigner().certificate();
    }

    private IssuingCa issuer(IssuerSlot slot) {
        IssuingCa i = issuers.get(slot);
        if (i == null) {
            throw new InvalidInputException("this CA has no " + slot.slug() + " issuing CA; it has " + issuers.keySet());
        }
        return i;
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

    /** The current CRL of the S/MIME issuing CA, DER encoded (reissued first if due). */
    public byte[] currentCrl() {
        return smime.crl().current();
    }

    /** The current CRL of one issuing CA. */
    public byte[] currentCrl(IssuerSlot slot) {
        return issuer(slot).crl().current();
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

    /** Forces a new CRL of every issuing CA now and returns the S/MIME issuing CA's. */
    public byte[] reissueCrl() {
        issuers.values().forEach(i -> i.crl().reissue());
        return smime.crl().current();
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
        List<X509Certificate> all = new ArrayList<>(caCertificates());
        issuers.values().forEach(i -> all.add(i.ocspSigner().certificate()));
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
        return smime.signer();
    }
}

package org.civicmail.smime;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.security.spec.KeySpec;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

import org.civicmail.ca.CertificateAuthority;
import org.civicmail.ca.IssuedCredential;
import org.civicmail.ca.KeyAlgorithm;
import org.civicmail.ca.keys.Pkcs12Files;
import org.civicmail.account.AccountStore;
import org.civicmail.server.SecretFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Server-side signing keys of accounts (as signing gateways keep them): one PKCS#12 per account under
 * {@code DATA/keys/accounts/} ({@link Pkcs12Files}: PBKDF2 at 600,000 iterations), each under its own password
 * derived from the CA's in-memory master key ({@link CertificateAuthority#keyFilePassword}), so a copy of the data
 * directory alone does not yield the keys and a key file is no shortcut for guessing the CA passphrase. A
 * credential is handed out only while its certificate is good at our CA and the account is enabled: revoking or
 * disabling stops signing at once.
 */
public final class AccountKeyStore {
    private static final Logger LOG = LoggerFactory.getLogger(AccountKeyStore.class);
    private static final String ALIAS = "signing";

    private final Path dir;
    private final CertificateAuthority ca;
    private final AccountStore accounts;
    private final Map<String, SigningCredential> cache = new ConcurrentHashMap<>();

    public AccountKeyStore(Path dir, CertificateAuthority ca, AccountStore accounts) {
        this.dir = dir;
        this.ca = ca;
        this.accounts = accounts;
    }

    /** True if some key file was written by a version before 2026-11 (see {@link #upgradeLegacyFiles}). */
    public boolean hasLegacyFiles() throws IOException {
        return !legacyFiles().isEmpty();
    }

    /**
     * Re-encrypts key files written by earlier versions (JDK-default PKCS#12, password PBKDF2 of the CA passphrase
     * at 20,000 iterations) under the current scheme; called once at start while the passphrase is at hand.
     * Returns the number of files upgraded. A file that does not open with the old password is left as it is
     * and reported: it will fail when used, naming the file.
     */
    public int upgradeLegacyFiles(char[] passphrase) throws IOException {
        int upgraded = 0;
        for (Path file : legacyFiles()) {
            String name = file.getFileName().toString();
            String address = name.substring(0, name.length() - ".p12".length());
            try {
                char[] old = legacyPassword(passphrase, address);
                Pkcs12Files.Entry entry = Pkcs12Files.read(file, ALIAS, old);
                Arrays.fill(old, '\0');
                write(new SigningCredential(address, entry.key(), entry.chain()));
                upgraded++;
            } catch (RuntimeException | GeneralSecurityException e) {
                LOG.error("The signing key file {} could not be upgraded ({}); it was left unchanged", file, e.getMessage());
            }
        }
        if (upgraded > 0) {
            LOG.info("Upgraded {} account signing key files to PBKDF2 at {} iterations with per-account passwords",
                upgraded, Pkcs12Files.ITERATIONS);
        }
        return upgraded;
    }

    private List<Path> legacyFiles() throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".p12"))
                .filter(f -> Pkcs12Files.weakestIterationCount(f) < Pkcs12Files.ITERATIONS).sorted().toList();
        }
    }

    /**
     * Issues a new certificate with a key generated here and keeps it as the account's signing credential,
     * replacing any previous one. The key is of {@code algorithm} (an agency whose correspondents' tools need RSA),
     * else of the CA's configured algorithm.
     */
    public SigningCredential issue(String address, Optional<KeyAlgorithm> algorithm) {
        String normalized = address.toLowerCase(Locale.ROOT);
        IssuedCredential issued = algorithm.map(a -> ca.issueForAccount(normalized, a)).orElseGet(() -> ca.issueForAccount(normalized));
        SigningCredential credential = new SigningCredential(normalized, issued.privateKey(), issued.fullChain());
        try {
            write(credential);
        } catch (IOException e) {
            throw new IllegalStateException("cannot store the signing key of " + normalized + " under " + dir + ": " + e.getMessage(), e);
        }
        cache.put(normalized, credential);
        LOG.info("Signing certificate issued for {} (serial {})", normalized, issued.serial().toString(16));
        return credential;
    }

    /**
     * Puts a re-issued certificate for the same key ({@code ca renew-all}) beside the account's key, if the key file
     * holds the key of {@code oldSerial}'s certificate. Returns false (and changes nothing) otherwise: then the
     * account's key is not kept here (a CSR-based certificate) or already moved on.
     */
    public boolean replaceCertificate(String address, java.math.BigInteger oldSerial, X509Certificate renewed,
                                      List<X509Certificate> issuerChain) {
        String normalized = address.toLowerCase(Locale.ROOT);
        Optional<SigningCredential> current = load(normalized);
        if (current.isEmpty() || !current.get().certificate().getSerialNumber().equals(oldSerial)
            || !current.get().certificate().getPublicKey().equals(renewed.getPublicKey())) {
            return false;
        }
        List<X509Certificate> chain = new java.util.ArrayList<>();
        chain.add(renewed);
        chain.addAll(issuerChain);
        SigningCredential credential = new SigningCredential(normalized, current.get().privateKey(), chain);
        try {
            write(credential);
        } catch (IOException e) {
            throw new IllegalStateException("cannot store the renewed certificate of " + normalized + " under " + dir + ": " + e.getMessage(), e);
        }
        cache.put(normalized, credential);
        return true;
    }

    /** The credential to sign with now, if the account has one whose certificate is good and the account is enabled. */
    public Optional<SigningCredential> usable(String address) {
        String normalized = address.toLowerCase(Locale.ROOT);
        Optional<SigningCredential> credential = Optional.ofNullable(cache.get(normalized)).or(() -> load(normalized));
        return credential.filter(c -> isUsable(c.certificate())
            && accounts.find(normalized).map(a -> !a.disabled()).orElse(false));
    }

    private boolean isUsable(X509Certificate certificate) {
        Date now = Date.from(Instant.now());
        return !now.before(certificate.getNotBefore()) && !now.after(certificate.getNotAfter()) && ca.status(certificate).isGood();
    }

    public boolean has(String address) {
        return Files.exists(file(address.toLowerCase(Locale.ROOT)));
    }

    private Optional<SigningCredential> load(String address) {
        Path file = file(address);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        char[] password = passwordFor(address);
        try {
            Pkcs12Files.Entry entry = Pkcs12Files.read(file, ALIAS, password);
            SigningCredential credential = new SigningCredential(address, entry.key(), entry.chain());
            cache.put(address, credential);
            return Optional.of(credential);
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot open the signing key of " + address + " (" + file
                + "): it was not written by this CA (was the data directory mixed with another one?) "
                + e.getClass().getSimpleName(), e);
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    private void write(SigningCredential credential) throws IOException {
        Files.createDirectories(dir);
        char[] password = passwordFor(credential.address());
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Pkcs12Files.write(ALIAS, credential.privateKey(), credential.chain(), password, out);
            SecretFiles.write(file(credential.address()), out.toByteArray());
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    private Path file(String address) {
        return dir.resolve(address + ".p12");
    }

    /** The account's own key-file password: from the CA's master key, unrelated to the passphrase's text. */
    private char[] passwordFor(String address) {
        return ca.keyFilePassword("account:" + address);
    }

    /** The password files were written with before per-account derived passwords; only for {@link #upgradeLegacyFiles}. */
    private static char[] legacyPassword(char[] passphrase, String address) throws GeneralSecurityException {
        KeySpec spec = new PBEKeySpec(passphrase, ("civicmail-account-key:" + address).getBytes(StandardCharsets.UTF_8), 20_000, 256);
        byte[] derived = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        return Base64.getEncoder().encodeToString(derived).toCharArray();
    }
}

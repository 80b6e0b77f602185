package org.civicmail.smime;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.KeySpec;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

import org.civicmail.ca.CertificateAuthority;
import org.civicmail.ca.IssuedCredential;
import org.civicmail.ca.KeyAlgorithm;
import org.civicmail.mailbox.AccountStore;
import org.civicmail.server.SecretFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Server-side signing keys of accounts (as signing gateways keep them): one PKCS#12 per account under
 * {@code DATA/keys/accounts/}, encrypted with a password derived from the CA passphrase, so a copy of the data
 * directory alone does not yield the keys. A credential is handed out only while its certificate is good at
 * our CA and the account is enabled: revoking or disabling stops signing at once.
 */
public final class AccountKeyStore {
    private static final Logger LOG = LoggerFactory.getLogger(AccountKeyStore.class);
    private static final String ALIAS = "signing";

    private final Path dir;
    private final char[] masterSecret;
    private final CertificateAuthority ca;
    private final AccountStore accounts;
    private final Map<String, SigningCredential> cache = new ConcurrentHashMap<>();

    public AccountKeyStore(Path dir, char[] masterSecret, CertificateAuthority ca, AccountStore accounts) {
        this.dir = dir;
        this.masterSecret = masterSecret.clone();
        this.ca = ca;
        this.accounts = accounts;
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
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot store the signing key of " + normalized + " under " + dir + ": " + e.getMessage(), e);
        }
        cache.put(normalized, credential);
        LOG.info("Signing certificate issued for {} (serial {})", normalized, issued.serial().toString(16));
        return credential;
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
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            char[] password = passwordFor(address);
            ks.load(in, password);
            PrivateKey key = (PrivateKey) ks.getKey(ALIAS, password);
            Certificate[] chain = ks.getCertificateChain(ALIAS);
            SigningCredential credential = new SigningCredential(address, key,
                Arrays.stream(chain).map(X509Certificate.class::cast).toList());
            cache.put(address, credential);
            return Optional.of(credential);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot open the signing key of " + address + " (" + file
                + "); was the CA passphrase changed? " + e.getClass().getSimpleName(), e);
        }
    }

    private void write(SigningCredential credential) throws IOException, GeneralSecurityException {
        Files.createDirectories(dir);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        char[] password = passwordFor(credential.address());
        ks.setKeyEntry(ALIAS, credential.privateKey(), password, credential.chain().toArray(Certificate[]::new));
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        ks.store(out, password);
        SecretFiles.write(file(credential.address()), out.toByteArray());
    }

    private Path file(String address) {
        return dir.resolve(address + ".p12");
    }

    /** A per-account password: PBKDF2 of the master secret, salted with the address. */
    private char[] passwordFor(String address) throws GeneralSecurityException {
        KeySpec spec = new PBEKeySpec(masterSecret, ("civicmail-account-key:" + address).getBytes(StandardCharsets.UTF_8), 20_000, 256);
        byte[] derived = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        return Base64.getEncoder().encodeToString(derived).toCharArray();
    }

}

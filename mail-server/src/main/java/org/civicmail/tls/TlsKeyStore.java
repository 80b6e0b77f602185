package org.civicmail.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;

import org.civicmail.server.SecretFiles;

/**
 * The PKCS#12 key store the SMTP, IMAP and HTTPS listeners present, under {@code DATA/keys/}. It is encrypted
 * with a random secret kept beside it with owner-only permissions; James reads the secret from its rendered
 * configuration, which lives in the data directory too, never in git.
 */
public final class TlsKeyStore {
    public static final String ALIAS = "civicmail-tls";

    private final Path keyStoreFile;
    private final Path secretFile;

    public TlsKeyStore(Path keysDir) {
        this.keyStoreFile = keysDir.resolve("tls.p12");
        this.secretFile = keysDir.resolve("tls.secret");
    }

    public Path file() {
        return keyStoreFile;
    }

    public boolean exists() {
        return Files.exists(keyStoreFile) && Files.exists(secretFile);
    }

    public char[] secret() throws IOException {
        return Files.readString(secretFile, StandardCharsets.US_ASCII).trim().toCharArray();
    }

    public X509Certificate certificate() throws IOException, GeneralSecurityException {
        return (X509Certificate) load().getCertificate(ALIAS);
    }

    /** Leaf first, our root CA last. */
    public X509Certificate[] chain() throws IOException, GeneralSecurityException {
        java.security.cert.Certificate[] chain = load().getCertificateChain(ALIAS);
        return java.util.Arrays.copyOf(chain, chain.length, X509Certificate[].class);
    }

    public KeyStore load() throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(keyStoreFile)) {
            ks.load(in, secret());
        }
        return ks;
    }

    /** Replaces the key store atomically, so a listener never reads half a file. */
    public void write(PrivateKey key, X509Certificate[] chain) throws IOException, GeneralSecurityException {
        Files.createDirectories(keyStoreFile.getParent());
        char[] secret = SecretFiles.readOrCreateRandom(secretFile, 24).toCharArray();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry(ALIAS, key, secret, chain);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        ks.store(out, secret);
        SecretFiles.write(keyStoreFile, out.toByteArray());
    }
}

package org.civicmail.ca.keys;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.civicmail.ca.CaException;

/**
 * Reads and writes password-protected PKCS#12 files. Keys are encrypted with PBES2
 * (PBKDF2-HMAC-SHA-256, AES-256-CBC); the file MAC is HMAC-SHA-256. Messages never include
 * the password.
 */
public final class Pkcs12Files {
    private static final String KEY_PROTECTION = "PBEWithHmacSHA256AndAES_256";

    private Pkcs12Files() {
    }

    public static void write(String alias, PrivateKey key, List<X509Certificate> chain, char[] password, OutputStream out) {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            KeyStore.PasswordProtection protection = new KeyStore.PasswordProtection(password, KEY_PROTECTION, null);
            ks.setEntry(alias, new KeyStore.PrivateKeyEntry(key, chain.toArray(new Certificate[0])), protection);
            ks.store(out, password);
        } catch (GeneralSecurityException | IOException e) {
            throw new CaException("cannot write PKCS#12 for '" + alias + "': " + e.getClass().getSimpleName(), e);
        }
    }

    /** Creates a new file with mode 600 where POSIX permissions exist; fails if it exists. */
    public static OutputStream createPrivateFile(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        } catch (FileAlreadyExistsException e) {
            throw new CaException(file + " already exists; remove it or choose another file name");
        }
        return Files.newOutputStream(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
    }

    /** A key and its chain read back from a PKCS#12 file. */
    public record Entry(PrivateKey key, List<X509Certificate> chain) {
        @Override
        public String toString() {
            return "Pkcs12Files.Entry[" + chain.get(0).getSubjectX500Principal() + ", key hidden]";
        }
    }

    public static Entry read(Path file, String alias, char[] password) {
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, password);
            Key key = ks.getKey(alias, password);
            if (!(key instanceof PrivateKey)) {
                throw new CaException("keystore " + file + " has no private key under alias '" + alias
                        + "'; run `civicmail ca init` first");
            }
            List<X509Certificate> chain = new ArrayList<>();
            for (Certificate c : ks.getCertificateChain(alias)) {
                chain.add((X509Certificate) c);
            }
            return new Entry((PrivateKey) key, chain);
        } catch (UnrecoverableKeyException e) {
            throw wrongPassphrase(file);
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException || String.valueOf(e.getMessage()).contains("password")) {
                throw wrongPassphrase(file);
            }
            throw new CaException("cannot read keystore " + file + ": " + e.getClass().getSimpleName()
                    + "; run `civicmail ca init` if the CA was never initialised", e);
        } catch (GeneralSecurityException e) {
            throw new CaException("cannot read keystore " + file + ": " + e.getClass().getSimpleName(), e);
        }
    }

    private static CaException wrongPassphrase(Path file) {
        return new CaException("cannot decrypt keystore " + file + ": the passphrase from CIVICMAIL_CA_PASSPHRASE"
                + " (or CIVICMAIL_CA_PASSPHRASE_FILE) is not the one it was created with");
    }
}

package org.civicmail.ca.keys;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import org.civicmail.ca.CaException;
import org.civicmail.ca.PassphraseSource;
import org.civicmail.ca.audit.AuditSeal;

/**
 * A key derived once from the CA passphrase when the CA is unlocked (PBKDF2-HMAC-SHA-256,
 * {@value Pkcs12Files#ITERATIONS} iterations, a random salt kept in {@value #FILE}) and then held
 * only in memory, so the passphrase itself can be forgotten. Every secret the CA needs after
 * unlocking comes from it by HMAC with a purpose label: the password of each machine-managed
 * PKCS#12 file (the OCSP signer, each account's server-side signing key) and the audit seal key.
 * Those passwords are 256-bit values unrelated to the passphrase's text, so a file protected by
 * one says nothing about the passphrase that a brute-force attacker could not get from the CA's
 * own key files at the same cost. Thread-safe.
 */
public final class MasterKey {
    /** In the CA home: {@code v1 pbkdf2-hmac-sha256 <iterations> <salt> <check>} (base64). */
    public static final String FILE = "master-key.params";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] key;

    private MasterKey(byte[] key) {
        this.key = key;
    }

    /**
     * Derives the key from {@code passphrase}, creating {@value #FILE} (salt and a check value)
     * on first use. A passphrase other than the one the file was created with is refused.
     */
    public static MasterKey unlock(Path home, char[] passphrase) {
        Path file = home.resolve(FILE);
        try {
            if (!Files.exists(file)) {
                byte[] salt = new byte[32];
                RANDOM.nextBytes(salt);
                MasterKey k = new MasterKey(derive(passphrase, salt, Pkcs12Files.ITERATIONS));
                String line = "v1 pbkdf2-hmac-sha256 " + Pkcs12Files.ITERATIONS + " " + b64(salt) + " " + b64(k.check()) + "\n";
                Path tmp = home.resolve(FILE + ".new");
                Files.deleteIfExists(tmp);
                try (OutputStream out = Pkcs12Files.createPrivateFile(tmp)) {
                    out.write(line.getBytes(StandardCharsets.US_ASCII));
                }
                Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                return k;
            }
            String[] f = Files.readString(file, StandardCharsets.US_ASCII).trim().split(" ");
            if (f.length != 5 || !f[0].equals("v1") || !f[1].equals("pbkdf2-hmac-sha256")) {
                throw new CaException(file + " is not a CivicMail key-derivation file (expected 'v1 pbkdf2-hmac-sha256 …');"
                        + " restore it from the backup of the CA home directory");
            }
            int iterations = Integer.parseInt(f[2]);
            if (iterations < Pkcs12Files.ITERATIONS) {
                throw new CaException(file + " asks for " + iterations + " PBKDF2 iterations, fewer than "
                        + Pkcs12Files.ITERATIONS + ": it was edited; restore it from the backup of the CA home directory");
            }
            MasterKey k = new MasterKey(derive(passphrase, Base64.getDecoder().decode(f[3]), iterations));
            if (!MessageDigest.isEqual(k.check(), Base64.getDecoder().decode(f[4]))) {
                throw new CaException("the CA passphrase from " + PassphraseSource.ENV_PASSPHRASE + " (or " + PassphraseSource.ENV_PASSPHRASE_FILE + ") is not the one " + file
                        + " was created with; set the passphrase this CA was created with");
            }
            return k;
        } catch (IOException e) {
            throw new CaException("cannot read or create " + file + ": " + e.getMessage() + "; check the CA home directory's permissions", e);
        } catch (IllegalArgumentException e) {
            throw new CaException(file + " is damaged (" + e.getClass().getSimpleName() + "); restore it from the backup"
                    + " of the CA home directory", e);
        }
    }

    /** The password of the machine-managed PKCS#12 file for {@code purpose}, e.g. {@code account:a@b}. */
    public char[] password(String purpose) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(hmac("civicmail-p12-password-v1|" + purpose)).toCharArray();
    }

    /** The audit log's seal. */
    public AuditSeal auditSeal() {
        byte[] k = hmac("civicmail-audit-seal-v1");
        try {
            return new AuditSeal(k);
        } finally {
            Arrays.fill(k, (byte) 0);
        }
    }

    private byte[] check() {
        return hmac("civicmail-passphrase-check-v1");
    }

    private byte[] hmac(String label) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(label.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    private static byte[] derive(char[] passphrase, byte[] salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(passphrase, salt, iterations, 256);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is part of every JDK", e);
        } finally {
            spec.clearPassword();
        }
    }

    private static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    @Override
    public String toString() {
        return "MasterKey[hidden]";
    }
}

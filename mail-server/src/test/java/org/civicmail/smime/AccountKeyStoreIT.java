package org.civicmail.smime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Optional;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

import org.civicmail.ca.CaConfig;
import org.civicmail.ca.CertificateAuthority;
import org.civicmail.ca.IssuedCredential;
import org.civicmail.ca.PassphraseSource;
import org.civicmail.ca.Subject;
import org.civicmail.ca.keys.Pkcs12Files;
import org.civicmail.server.CivicDatabase;
import org.civicmail.server.DataDirectory;
import org.civicmail.testkit.Openssl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Account signing keys at rest: iteration counts as openssl reads them, per-account passwords, upgrade of old files. */
class AccountKeyStoreIT {
    private static final String PASSPHRASE = "account-key-test-passphrase";
    private static final String OFFICIAL = "li.wei@gov.hangzhou.example";
    private static final String OLD = "wang.fang@gov.hangzhou.example";

    @TempDir
    Path tmp;

    private CertificateAuthority open(CivicDatabase db) {
        CaConfig config = CaConfig.of(db.dataSource(), tmp.resolve("ca"), "http://127.0.0.1:8088")
            .withPassphrase(PassphraseSource.of(PASSPHRASE.toCharArray()));
        return CertificateAuthority.open(config, address -> Optional.of(Subject.official(address, "Li Wei", "City Tax Bureau", null)));
    }

    // Attack: copy DATA/keys/accounts/*.p12 and guess the CA passphrase offline against one of them.
    @Test
    void keyFilesUseSixHundredThousandIterationsAndPasswordsUnrelatedToThePassphrase() throws Exception {
        CivicDatabase db = new CivicDatabase(new DataDirectory(tmp));
        Path dir = tmp.resolve("keys/accounts");
        try (CertificateAuthority ca = open(db)) {
            AccountKeyStore keys = new AccountKeyStore(dir, ca, null);
            keys.issue(OFFICIAL, Optional.empty());
            Path file = dir.resolve(OFFICIAL + ".p12");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
            // openssl reads the MAC's parameters before it needs the password
            assertThat(Openssl.run("pkcs12", "-info", "-noout", "-in", file.toString(), "-passin", "pass:x").output())
                .contains("MAC: sha256, Iteration 600000");
            assertThat(Pkcs12Files.weakestIterationCount(file)).isEqualTo(600_000);
            // neither the passphrase nor the old derivation of it opens the file
            for (String guess : new String[] {PASSPHRASE, new String(legacyPassword(OFFICIAL))}) {
                assertThat(Openssl.run("pkcs12", "-info", "-noout", "-in", file.toString(), "-passin", "pass:" + guess).output())
                    .contains("Mac verify error");
            }
            char[] password = ca.keyFilePassword("account:" + OFFICIAL);
            assertThat(Openssl.run("pkcs12", "-info", "-noout", "-in", file.toString(), "-passin", "pass:" + new String(password))
                .output()).contains("Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC, Iteration 600000, PRF hmacWithSHA256");
            assertThat(keys.hasLegacyFiles()).isFalse();
        }
    }

    @Test
    void keyFilesOfTheEarlierVersionAreUpgradedWithThePassphraseAtStart() throws Exception {
        CivicDatabase db = new CivicDatabase(new DataDirectory(tmp));
        Path dir = tmp.resolve("keys/accounts");
        try (CertificateAuthority ca = open(db)) {
            IssuedCredential old = ca.issueForAccount(OLD);
            Files.createDirectories(dir);
            // what the earlier AccountKeyStore wrote: JDK defaults, password PBKDF2(passphrase, address, 20,000)
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            char[] legacy = legacyPassword(OLD);
            ks.setKeyEntry("signing", old.privateKey(), legacy, old.fullChain().toArray(X509Certificate[]::new));
            try (OutputStream out = Files.newOutputStream(dir.resolve(OLD + ".p12"))) {
                ks.store(out, legacy);
            }
            Files.writeString(dir.resolve("broken@gov.hangzhou.example.p12"), "not a key store", StandardCharsets.US_ASCII);

            AccountKeyStore keys = new AccountKeyStore(dir, ca, null);
            assertThat(keys.hasLegacyFiles()).isTrue();
            assertThat(keys.upgradeLegacyFiles(PASSPHRASE.toCharArray())).isEqualTo(1);
            Path file = dir.resolve(OLD + ".p12");
            assertThat(Pkcs12Files.weakestIterationCount(file)).isEqualTo(600_000);
            assertThat(Pkcs12Files.read(file, "signing", ca.keyFilePassword("account:" + OLD)).key()).isEqualTo(old.privateKey());
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
            // the unreadable file is left alone (reported in the log), and is still "legacy" next time
            assertThat(Files.readString(dir.resolve("broken@gov.hangzhou.example.p12"))).isEqualTo("not a key store");
            assertThat(keys.upgradeLegacyFiles(PASSPHRASE.toCharArray())).isZero();
            assertThatThrownBy(() -> Pkcs12Files.read(file, "signing", legacy)).hasMessageContaining("cannot decrypt keystore");
        }
    }

    // After the upgrade to purpose-bound issuing CAs, `ca renew-all` re-issues each server-kept signing key's certificate
    // under the S/MIME issuing CA: the key file keeps the same key with the new chain, the old certificate is revoked.
    @Test
    void renewAllPutsTheReissuedCertificateBesideTheSameKey() throws Exception {
        CivicDatabase db = new CivicDatabase(new DataDirectory(tmp));
        Path dir = tmp.resolve("keys/accounts");
        java.math.BigInteger oldSerial;
        java.security.PrivateKey key;
        try (CertificateAuthority ca = open(db)) { // no names: the first-generation layout
            SigningCredential c = new AccountKeyStore(dir, ca, null).issue(OFFICIAL, Optional.empty());
            oldSerial = c.certificate().getSerialNumber();
            key = c.privateKey();
        }
        CaConfig named = CaConfig.of(db.dataSource(), tmp.resolve("ca"), "http://127.0.0.1:8088")
            .withPassphrase(PassphraseSource.of(PASSPHRASE.toCharArray()))
            .withNames(java.util.List.of("gov.hangzhou.example"), java.util.List.of("mail.hangzhou.example"));
        try (CertificateAuthority ca = CertificateAuthority.open(named,
                address -> Optional.of(Subject.official(address, "Li Wei", "City Tax Bureau", null)))) {
            AccountKeyStore keys = new AccountKeyStore(dir, ca, null);
            CertificateAuthority.RenewAllResult result = ca.renewAll(r -> assertThat(keys.replaceCertificate(r.old().account(),
                r.old().serial(), r.replacement().certificate(), r.replacement().chain())).isTrue());
            assertThat(result.renewed()).hasSize(1);
            Pkcs12Files.Entry entry = Pkcs12Files.read(dir.resolve(OFFICIAL + ".p12"), "signing", ca.keyFilePassword("account:" + OFFICIAL));
            assertThat(entry.key()).isEqualTo(key);
            X509Certificate now = entry.chain().get(0);
            now.verify(ca.chain().get(0).getPublicKey());
            assertThat(entry.chain()).containsExactly(now, ca.chain().get(0), ca.trustAnchor());
            assertThat(ca.status(oldSerial).reason()).contains(org.civicmail.ca.RevocationReason.superseded);
            // Attack: hand it a certificate for the old serial again; the file no longer holds that certificate, nothing changes.
            assertThat(keys.replaceCertificate(OFFICIAL, oldSerial, now, ca.chain())).isFalse();
        }
    }

    private static char[] legacyPassword(String address) throws Exception {
        PBEKeySpec spec = new PBEKeySpec(PASSPHRASE.toCharArray(), ("civicmail-account-key:" + address).getBytes(StandardCharsets.UTF_8),
            20_000, 256);
        byte[] derived = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        return Base64.getEncoder().encodeToString(derived).toCharArray();
    }
}

package org.civicmail.ca.keys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.civicmail.ca.CaConfig;
import org.civicmail.ca.IssuerSlot;
import org.civicmail.ca.CaException;
import org.civicmail.ca.CaUrls;
import org.civicmail.ca.CertificateAuthority;
import org.civicmail.ca.KeyAlgorithm;
import org.civicmail.ca.Openssl;
import org.civicmail.ca.PassphraseSource;
import org.civicmail.ca.TestCa;
import org.civicmail.ca.WeakPassphraseException;
import org.civicmail.ca.authority.Hierarchy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CA's secrets at rest and in memory: iteration counts, derived passwords, the passphrase's lifetime, upgrades. */
class CaSecretsIT {
    @TempDir
    Path dir;

    // Attack: guess the CA passphrase offline against a key file protected by a cheap KDF.
    @Test
    void everyKeyFileOfANewCaUsesSixHundredThousandIterations() {
        try (TestCa t = new TestCa(dir)) {
            for (String name : List.of(Hierarchy.ROOT_FILE, IssuerSlot.SMIME.keyFile(), IssuerSlot.TLS.keyFile(), IssuerSlot.SMIME.ocspFile(),
                    IssuerSlot.TLS.ocspFile())) {
                assertEquals(600_000, Pkcs12Files.weakestIterationCount(t.home.resolve(name)), name);
            }
            Openssl.Result info = Openssl.run("pkcs12", "-info", "-noout", "-in", t.home.resolve(IssuerSlot.SMIME.keyFile()).toString(),
                    "-passin", "pass:" + new String(TestCa.PASSPHRASE));
            assertEquals(0, info.exit(), info.output());
            assertTrue(info.output().contains("MAC: sha256, Iteration 600000"), info.output());
            assertTrue(info.output().contains("Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC, Iteration 600000, PRF hmacWithSHA256"),
                    info.output());
            // The OCSP signer's file is not under the passphrase: an oracle-free, machine-managed password.
            Openssl.Result ocsp = Openssl.run("pkcs12", "-info", "-noout", "-in", t.home.resolve(IssuerSlot.SMIME.ocspFile()).toString(),
                    "-passin", "pass:" + new String(TestCa.PASSPHRASE));
            assertNotEquals(0, ocsp.exit(), ocsp.output());
        }
    }

    // Attack: read the passphrase out of the CA object (heap dump) after start-up.
    @Test
    void thePassphraseIsClearedAfterUnlockAndDerivedPasswordsRevealNothingOfIt() {
        try (TestCa t = new TestCa(dir)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> t.ca.config().passphrase().passphrase());
            assertEquals("the CA passphrase was cleared from memory after the keys were unlocked", e.getMessage());
            char[] a = t.ca.keyFilePassword("account:a@city.example");
            char[] b = t.ca.keyFilePassword("account:b@city.example");
            assertEquals(43, a.length); // 256 bits, base64url
            assertFalse(new String(a).equals(new String(b)));
            assertFalse(new String(a).contains(new String(TestCa.PASSPHRASE)));
            assertArrayEquals(a, t.ca.keyFilePassword("account:a@city.example"), "stable for the same purpose");
        }
        PassphraseSource source = PassphraseSource.of("a passphrase to forget now".toCharArray());
        source.forget();
        assertEquals("the CA passphrase was cleared from memory after the keys were unlocked",
                assertThrows(IllegalStateException.class, source::passphrase).getMessage());
    }

    @Test
    void derivedPasswordsSurviveReopening() {
        DataSource ds = TestCa.memoryDataSource();
        char[] first;
        try (TestCa t = new TestCa(dir, KeyAlgorithm.EC_P256, ds)) {
            first = t.ca.keyFilePassword("account:a@city.example");
        }
        try (TestCa t = new TestCa(dir, KeyAlgorithm.EC_P256, ds)) {
            assertArrayEquals(first, t.ca.keyFilePassword("account:a@city.example"));
        }
    }

    @Test
    void aWeakPassphraseIsRefusedForANewCaWithTheRule() {
        CaConfig weak = new CaConfig(TestCa.memoryDataSource(), dir.resolve("ca"), new CaUrls("http://127.0.0.1:1"), null,
                PassphraseSource.of("aaaaaaaaaaaabbbbbbbb".toCharArray()), null, null, null);
        WeakPassphraseException e = assertThrows(WeakPassphraseException.class, () -> CertificateAuthority.open(weak, a -> Optional.empty()));
        assertEquals("the CA passphrase from the passphrase given to PassphraseSource.of is too weak for a new CA: it has only 2"
                + " different characters; the rule is at least 16 characters, at least 10 of them different, not only digits"
                + " (e.g. five or more random words)", e.getMessage());
        assertEquals(2, e.exitCode());
        assertFalse(Files.exists(dir.resolve("ca").resolve(Hierarchy.ISSUING_FILE)), "nothing half-created");

        CaConfig shortOne = weak.withPassphrase(PassphraseSource.of("Tr0ub4dor&3xyz".toCharArray()));
        assertEquals("the CA passphrase from the passphrase given to PassphraseSource.of is too weak for a new CA: it has 14"
                + " characters; the rule is at least 16 characters, at least 10 of them different, not only digits"
                + " (e.g. five or more random words)",
                assertThrows(WeakPassphraseException.class, () -> CertificateAuthority.open(shortOne, a -> Optional.empty())).getMessage());
        CaConfig digits = weak.withPassphrase(PassphraseSource.of("12345678901234567890".toCharArray()));
        assertTrue(assertThrows(WeakPassphraseException.class, () -> CertificateAuthority.open(digits, a -> Optional.empty()))
                .getMessage().contains(": it is only digits;"));

        // A generated passphrase (the demo's) is not a person's choice: the rule does not apply.
        CaConfig generated = weak.withPassphrase(PassphraseSource.generated("aaaaaaaaaaaabbbbbbbb".toCharArray(), "the demo file"));
        try (CertificateAuthority ca = CertificateAuthority.open(generated, a -> Optional.empty())) {
            assertTrue(ca.createdOnOpen());
        }
    }

    @Test
    void aWrongPassphraseIsRefusedNamingTheVariables() {
        DataSource ds = TestCa.memoryDataSource();
        try (TestCa t = new TestCa(dir, KeyAlgorithm.EC_P256, ds)) {
            t.ca.trustAnchor();
        }
        CaConfig wrong = new CaConfig(ds, dir.resolve("ca"), new CaUrls("http://127.0.0.1:1"), null,
                PassphraseSource.of("a different passphrase entirely".toCharArray()), null, null, null);
        CaException e = assertThrows(CaException.class, () -> CertificateAuthority.open(wrong, a -> Optional.empty()));
        assertEquals("cannot decrypt keystore " + dir.resolve("ca/smime-ca.p12") + ": the passphrase from CIVICMAIL_CA_PASSPHRASE"
                + " (or CIVICMAIL_CA_PASSPHRASE_FILE) is not the one it was created with", e.getMessage());
    }

    /** A data directory written by the previous version: JDK-default key files, OCSP signer under the passphrase, unsealed log. */
    @Test
    void aDataDirectoryFromThePreviousVersionIsUpgradedInPlace() throws Exception {
        DataSource ds = TestCa.memoryDataSource();
        X509Certificate ocspBefore;
        try (TestCa t = new TestCa(dir, KeyAlgorithm.EC_P256, ds, false)) {
            t.ca.issueForAccount("alice@city.example");
            ocspBefore = t.ca.ocspSignerCertificate();
        }
        Path home = dir.resolve("ca");
        Pkcs12Files.Entry ocsp = readOcspWithDerivedPassword(ds);
        for (String[] f : new String[][] {{Hierarchy.ROOT_FILE, Hierarchy.ROOT_ALIAS}, {Hierarchy.ISSUING_FILE, Hierarchy.ISSUING_ALIAS}}) {
            Pkcs12Files.Entry e = Pkcs12Files.read(home.resolve(f[0]), f[1], TestCa.PASSPHRASE);
            writeLikeTheJdk(home.resolve(f[0]), f[1], e, TestCa.PASSPHRASE);
        }
        // the old version kept the OCSP signer under the passphrase too
        writeLikeTheJdk(home.resolve(Hierarchy.OCSP_FILE), Hierarchy.OCSP_ALIAS, ocsp, TestCa.PASSPHRASE);
        Files.delete(home.resolve(MasterKey.FILE));
        List<String> lines = Files.readAllLines(home.resolve("audit.log"));
        List<String> unsealed = new java.util.ArrayList<>();
        for (String l : lines) {
            unsealed.add(l.substring(0, l.lastIndexOf('|')));
        }
        Files.write(home.resolve("audit.log"), unsealed);
        assertEquals(10_000, Pkcs12Files.weakestIterationCount(home.resolve(Hierarchy.ISSUING_FILE)));

        try (TestCa t = new TestCa(dir, KeyAlgorithm.EC_P256, ds, false)) {
            assertFalse(t.ca.createdOnOpen());
            for (String name : List.of(Hierarchy.ROOT_FILE, Hierarchy.ISSUING_FILE, Hierarchy.OCSP_FILE)) {
                assertEquals(600_000, Pkcs12Files.weakestIterationCount(home.resolve(name)), name);
            }
            assertEquals(ocspBefore, t.ca.ocspSignerCertificate(), "the same OCSP signer, re-encrypted");
            assertTrue(t.ca.verifyAuditLog().intact(), t.ca.verifyAuditLog().problems().toString());
            List<String> after = Files.readAllLines(home.resolve("audit.log"));
            // the upgrade's own entry is the first sealed one; it covers the unsealed entries before it through the chain
            assertEquals(3, after.size(), after.toString());
            assertTrue(after.get(2).contains("|upgrade-key-files|files=root-ca.p12,issuing-ca.p12,ocsp-signer.p12"
                    + " pbkdf2-iterations=600000|"), after.toString());
            t.ca.issueForAccount("alice@city.example");
        }
    }

    private Pkcs12Files.Entry readOcspWithDerivedPassword(DataSource ds) {
        try (TestCa t = new TestCa(dir, KeyAlgorithm.EC_P256, ds, false)) {
            return Pkcs12Files.read(t.home.resolve(Hierarchy.OCSP_FILE), Hierarchy.OCSP_ALIAS, t.ca.keyFilePassword(Hierarchy.OCSP_FILE));
        }
    }

    private static void writeLikeTheJdk(Path file, String alias, Pkcs12Files.Entry e, char[] password) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry(alias, e.key(), password, e.chain().toArray(X509Certificate[]::new));
        try (OutputStream out = Files.newOutputStream(file)) {
            ks.store(out, password);
        }
    }
}

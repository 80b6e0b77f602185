package org.civicmail.ca.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import org.civicmail.ca.IssuedCredential;
import org.civicmail.ca.Openssl;
import org.civicmail.ca.TestCa;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Our PKCS#12 files as openssl and the JDK read them. */
class Pkcs12FilesIT {
    private static final char[] PASSWORD = "a password for the test file".toCharArray();

    @TempDir
    Path tmp;

    // Attack: brute-force the password offline through a cheap MAC or key-bag KDF (the JDK default is 10,000).
    @Test
    void opensslReadsSixHundredThousandIterationsForTheMacAndTheKeyBag() throws Exception {
        try (TestCa t = new TestCa(tmp)) {
            IssuedCredential c = t.ca.issueForAccount("alice@city.example");
            Path file = tmp.resolve("alice.p12");
            c.writePkcs12("alice", PASSWORD, file);

            Openssl.Result info = Openssl.run("pkcs12", "-info", "-noout", "-in", file.toString(),
                    "-passin", "pass:" + new String(PASSWORD));
            assertEquals(0, info.exit(), info.output());
            assertTrue(info.output().contains("MAC: sha256, Iteration 600000"), info.output());
            assertTrue(info.output().contains("Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC, Iteration 600000, PRF hmacWithSHA256"),
                    info.output());
            assertEquals(600_000, Pkcs12Files.weakestIterationCount(file));

            // The JDK (James, the webmail, keytool) opens it with the key paired to its chain.
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (var in = Files.newInputStream(file)) {
                ks.load(in, PASSWORD);
            }
            assertEquals(c.privateKey(), ks.getKey("alice", PASSWORD));
            Certificate[] chain = ks.getCertificateChain("alice");
            assertEquals(c.fullChain(), List.of(chain));

            // openssl decrypts the key too (PBES2 password encoding agrees).
            Openssl.Result key = Openssl.run("pkcs12", "-in", file.toString(), "-nocerts", "-nodes",
                    "-passin", "pass:" + new String(PASSWORD));
            assertEquals(0, key.exit(), key.output());
            assertTrue(key.output().contains("BEGIN PRIVATE KEY"), key.output());
        }
    }

    @Test
    void aFileWrittenByTheJdkDefaultsIsReportedAsWeak() throws Exception {
        try (TestCa t = new TestCa(tmp)) {
            IssuedCredential c = t.ca.issueForAccount("alice@city.example");
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("old", c.privateKey(), PASSWORD, c.fullChain().toArray(X509Certificate[]::new));
            Path file = tmp.resolve("old.p12");
            try (OutputStream out = Files.newOutputStream(file)) {
                ks.store(out, PASSWORD);
            }
            assertEquals(10_000, Pkcs12Files.weakestIterationCount(file));
            assertEquals(c.privateKey(), Pkcs12Files.read(file, "old", PASSWORD).key());
            assertEquals(0, Pkcs12Files.weakestIterationCount(tmp.resolve("missing.p12")));
        }
    }
}

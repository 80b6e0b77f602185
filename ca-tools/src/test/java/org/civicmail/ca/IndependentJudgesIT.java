package org.civicmail.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every profile as openssl (strict X.509 checks) and NSS (the library Thunderbird and Firefox use)
 * judge it: S/MIME classes for e-mail signing ({@code -purpose smimesign}, {@code certutil -u S}),
 * the TLS server certificate for servers ({@code -purpose sslserver}, {@code certutil -u V}).
 */
class IndependentJudgesIT {
    @TempDir
    Path dir;

    @Test
    void everyProfilePassesOpensslStrictAndNss() throws Exception {
        try (TestCa t = new TestCa(dir)) {
            Path root = t.write("root.pem", Pem.certificates(t.ca.trustAnchor()));
            // Both issuing CAs as untrusted intermediates: each judge must pick the right one by name and key.
            Path issuing = t.write("issuing.pem", Pem.certificates(t.ca.chain().get(0), t.ca.tlsChain().get(0)));
            Path db = dir.resolve("nss");
            java.nio.file.Files.createDirectories(db);
            ok(certutil("-N", "-d", "sql:" + db, "--empty-password"));
            ok(certutil("-A", "-d", "sql:" + db, "-n", "root", "-t", "C,C,C", "-i", root.toString()));
            ok(certutil("-A", "-d", "sql:" + db, "-n", "smime-issuing", "-t", ",,", "-i",
                    t.write("smime-issuing.pem", Pem.certificates(t.ca.chain().get(0))).toString()));
            ok(certutil("-A", "-d", "sql:" + db, "-n", "tls-issuing", "-t", ",,", "-i",
                    t.write("tls-issuing.pem", Pem.certificates(t.ca.tlsChain().get(0))).toString()));

            record Case(String name, X509Certificate cert, String opensslPurpose, String nssUsage) {
            }
            List<Case> cases = List.of(
                    new Case("citizen-mailbox", t.ca.issueForAccount("alice@city.example").certificate(), "smimesign", "S"),
                    new Case("citizen-individual", t.ca.issueForAccount("bob@city.example").certificate(), "smimesign", "S"),
                    new Case("legal-entity", t.ca.issueForAccount("contact@acme.example").certificate(), "smimesign", "S"),
                    new Case("official", t.ca.issueForAccount("li.wei@gov.city.example").certificate(), "smimesign", "S"),
                    new Case("official-rsa", t.ca.issueForAccount("li.wei@gov.city.example", KeyAlgorithm.RSA_3072).certificate(),
                            "smimesign", "S"),
                    new Case("tls-server", t.ca.issueTlsServer("mail.city.example", "127.0.0.1").certificate(), "sslserver", "V"));
            for (Case c : cases) {
                Path leaf = t.write(c.name() + ".pem", Pem.certificates(c.cert()));
                Openssl.Result strict = Openssl.run("verify", "-x509_strict", "-purpose", c.opensslPurpose(), "-CAfile", root.toString(),
                        "-untrusted", issuing.toString(), leaf.toString());
                assertEquals(leaf + ": OK\n", strict.output(), c.name());
                ok(certutil("-A", "-d", "sql:" + db, "-n", c.name(), "-t", ",,", "-i", leaf.toString()));
                Result nss = certutil("-V", "-d", "sql:" + db, "-n", c.name(), "-u", c.nssUsage());
                assertEquals(0, nss.exit(), c.name() + ": " + nss.output());
                assertTrue(nss.output().contains("certificate is valid"), c.name() + ": " + nss.output());
            }
            // Attack: use an e-mail certificate as a TLS server certificate, and the reverse. Both judges refuse.
            Openssl.Result wrongPurpose = Openssl.run("verify", "-x509_strict", "-purpose", "sslserver", "-CAfile", root.toString(),
                    "-untrusted", issuing.toString(), dir.resolve("official.pem").toString());
            assertTrue(wrongPurpose.exit() != 0, wrongPurpose.output());
            Result nssWrong = certutil("-V", "-d", "sql:" + db, "-n", "tls-server", "-u", "S");
            assertTrue(nssWrong.exit() != 0, nssWrong.output());
        }
    }

    record Result(int exit, String output) {
    }

    private static void ok(Result r) {
        assertEquals(0, r.exit(), r.output());
    }

    private static Result certutil(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("certutil"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("certutil did not finish: " + cmd);
        }
        return new Result(p.exitValue(), out);
    }
}

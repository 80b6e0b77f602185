package org.civicmail.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.civicmail.ca.cli.CaMain;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The standalone CLI end to end: exit codes, whole messages, files checked by openssl. */
class CliIT {
    static final Map<String, String> ENV = Map.of(PassphraseSource.ENV_PASSPHRASE, "cli test passphrase 123",
            "CIVICMAIL_P12_PASSWORD", "p12 password");

    @TempDir
    Path dir;
    Path accounts;

    record Run(int exit, String out, String err) {
    }

    @BeforeEach
    void accounts() throws Exception {
        accounts = dir.resolve("accounts.csv");
        Files.writeString(accounts, "address,profile,name,organization,credit_code\n"
                + "alice@city.example,CITIZEN,,,\n"
                + "contact@acme.example,LEGAL_ENTITY,,\"Acme Trading Co., Ltd.\",91350100M000100Y43\n"
                + "li.wei@gov.city.example,OFFICIAL,Li Wei,City Tax Bureau,\n");
    }

    Run ca(Map<String, String> env, String... args) {
        List<String> all = new ArrayList<>(List.of("--data", dir.resolve("data").toString(), "--directory", accounts.toString(),
                "--mail-domains", String.join(",", TestCa.MAIL_DOMAINS), "--tls-names", String.join(",", TestCa.HOST_NAMES), "ca"));
        all.addAll(List.of(args));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = CaMain.run(all.toArray(new String[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env);
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    Run ca(String... args) {
        return ca(ENV, args);
    }

    Path csr(String name, String... opensslArgs) {
        Path key = dir.resolve(name + ".key");
        Path csr = dir.resolve(name + ".csr");
        List<String> args = new ArrayList<>(List.of("req", "-new", "-nodes", "-keyout", key.toString(), "-out", csr.toString()));
        args.addAll(List.of(opensslArgs));
        Openssl.Result r = Openssl.run(args.toArray(new String[0]));
        assertEquals(0, r.exit(), r.output());
        return csr;
    }

    @Test
    void initIsIdempotent() {
        Run first = ca("init");
        assertEquals(0, first.exit(), first.err());
        assertTrue(first.out().startsWith("created the certificate authority:\n"), first.out());
        Run second = ca("init");
        assertEquals(0, second.exit(), second.err());
        assertTrue(second.out().startsWith("the certificate authority already exists:\n"), second.out());
    }

    @Test
    void missingPassphraseNamesTheVariables() {
        Run r = ca(Map.of(), "init");
        assertEquals(1, r.exit());
        assertEquals("error: no passphrase for the CA keys: set CIVICMAIL_CA_PASSPHRASE to the passphrase, or"
                + " CIVICMAIL_CA_PASSPHRASE_FILE to the path of a file containing it\n", r.err());
    }

    @Test
    void issueFromCsrAndRevoke() throws Exception {
        Path req = csr("alice", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-subj", "/CN=whatever");
        Path out = dir.resolve("alice.pem");
        Run issue = ca("issue", "--address", "alice@city.example", "--csr", req.toString(), "--out", out.toString());
        assertEquals(0, issue.exit(), issue.err());
        assertTrue(issue.out().startsWith("issued serial "), issue.out());
        Path chain = dir.resolve("chain.pem");
        assertEquals(0, ca("export", "--out", chain.toString()).exit());
        Openssl.Result v = Openssl.run("verify", "-CAfile", chain.toString(), "-purpose", "smimesign", out.toString());
        assertEquals(out + ": OK\n", v.output());
        String subject = Openssl.run("x509", "-noout", "-subject", "-in", out.toString()).output();
        assertEquals("subject=CN = alice@city.example\n", subject);

        String serial = issue.out().split(" ")[2];
        Run list = ca("list", "--account", "alice@city.example");
        assertTrue(list.out().contains(serial + " ") && list.out().contains("CITIZEN_MAILBOX"), list.out());
        Run revoke = ca("revoke", "--serial", serial, "--reason", "keyCompromise");
        assertEquals(0, revoke.exit(), revoke.err());
        assertTrue(revoke.out().startsWith("certificate " + serial + " is now revoked at "), revoke.out());
        Run again = ca("revoke", "--serial", serial, "--reason", "superseded");
        assertEquals(2, again.exit());
        assertTrue(again.err().startsWith("error: certificate " + serial + " is already revoked at "), again.err());
        assertTrue(again.err().endsWith("(keyCompromise); revocation is permanent (only certificateHold can be changed)\n"), again.err());

        Path crl = dir.resolve("crl.pem");
        Run crlRun = ca("crl", "--out", crl.toString(), "--pem");
        assertEquals(0, crlRun.exit(), crlRun.err());
        Openssl.Result revoked = Openssl.run("verify", "-crl_check", "-CAfile", chain.toString(), "-CRLfile", crl.toString(),
                out.toString());
        assertTrue(revoked.output().contains("certificate revoked"), revoked.output());
    }

    @Test
    void certificateHoldCanBeReleasedButNothingElse() {
        Path p12 = dir.resolve("li.p12");
        Run issue = ca("issue", "--address", "li.wei@gov.city.example", "--p12", p12.toString());
        assertEquals(0, issue.exit(), issue.err());
        String serial = issue.out().split(" ")[2];
        Openssl.Result info = Openssl.run("pkcs12", "-in", p12.toString(), "-nokeys", "-passin", "pass:p12 password");
        assertTrue(info.output().contains("subject=C = CN, O = City Tax Bureau, organizationIdentifier = GOVCN, SN = Wei, GN = Li, CN = Li Wei"), info.output());
        assertEquals(0, ca("revoke", "--serial", serial, "--reason", "certificateHold").exit());
        Run release = ca("revoke", "--serial", "0x" + serial, "--reason", "removeFromCRL");
        assertEquals(0, release.exit(), release.err());
        assertEquals("certificate " + serial + " is now good; the CRL was reissued\n", release.out());
        assertEquals(0, ca("revoke", "--serial", serial, "--reason", "certificateHold").exit());
        assertEquals(0, ca("revoke", "--serial", serial, "--reason", "cessationOfOperation").exit());
        Run stuck = ca("revoke", "--serial", serial, "--reason", "removeFromCRL");
        assertEquals(2, stuck.exit());
        assertTrue(stuck.err().endsWith("(cessationOfOperation); only a certificate on certificateHold can be released with removeFromCRL\n"),
                stuck.err());
    }

    @Test
    void badSerialSaysWhichBasesAreAccepted() {
        Run r = ca("revoke", "--serial", "12zz", "--reason", "keyCompromise");
        assertEquals(2, r.exit());
        assertEquals("error: --serial '12zz' is not a valid serial number: use decimal digits (12345), hex with a 0x prefix"
                + " (0x1f3a), or hex as printed by `ca list` and openssl (1F3AC0DE, colons allowed)\n", r.err());
        Run reason = ca("revoke", "--serial", "0x1234", "--reason", "lost");
        assertEquals(2, reason.exit());
        assertEquals("error: --reason 'lost' is not an RFC 5280 revocation reason: use one of unspecified, keyCompromise,"
                + " cACompromise, affiliationChanged, superseded, cessationOfOperation, certificateHold, removeFromCRL,"
                + " privilegeWithdrawn, aACompromise (or its number)\n", reason.err());
        Run unknown = ca("revoke", "--serial", "0x1234");
        assertEquals(2, unknown.exit());
        assertEquals("error: no certificate with serial 1234 (decimal 4660) was issued by this CA; `ca list` shows the serials in hex\n",
                unknown.err());
    }

    @Test
    void badCsrsAreRefusedWithClearMessages() throws Exception {
        Path out = dir.resolve("x.pem");
        Path rsa1024 = csr("rsa1024", "-newkey", "rsa:1024", "-subj", "/CN=x");
        Run r1 = ca("issue", "--address", "alice@city.example", "--csr", rsa1024.toString(), "--out", out.toString());
        assertEquals(2, r1.exit());
        assertEquals("error: CSR key refused: RSA key has 1024 bits; at least 2048 are required\n", r1.err());

        Path sha1 = csr("sha1", "-newkey", "rsa:2048", "-sha1", "-subj", "/CN=x");
        Run r2 = ca("issue", "--address", "alice@city.example", "--csr", sha1.toString(), "--out", out.toString());
        assertEquals(2, r2.exit());
        assertEquals("error: CSR is signed with SHA1WITHRSA, which uses SHA-1 or MD5 and is not accepted; sign the request"
                + " with SHA-256 or stronger\n", r2.err());

        Path good = csr("tamper", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-subj", "/CN=tamperme", "-outform", "DER");
        byte[] der = Files.readAllBytes(good);
        String latin = new String(der, StandardCharsets.ISO_8859_1).replace("tamperme", "tamperm3");
        Path tampered = dir.resolve("tampered.der");
        Files.write(tampered, latin.getBytes(StandardCharsets.ISO_8859_1));
        Run r3 = ca("issue", "--address", "alice@city.example", "--csr", tampered.toString(), "--out", out.toString());
        assertEquals(2, r3.exit());
        assertEquals("error: CSR signature does not verify: the request was altered or was not signed by the key it contains\n",
                r3.err());

        Path other = csr("other", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-subj", "/CN=Mallory/emailAddress=mallory@evil.example");
        Run r4 = ca("issue", "--address", "alice@city.example", "--csr", other.toString(), "--out", out.toString());
        assertEquals(2, r4.exit());
        assertEquals("error: CSR names the address mallory@evil.example but is submitted for alice@city.example; a CSR may only"
                + " name the account it is for (the certificate's subject and SAN come from the account)\n", r4.err());

        Path fine = csr("fine", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-subj", "/CN=x");
        Run r5 = ca("issue", "--address", "nobody@city.example", "--csr", fine.toString(), "--out", out.toString());
        assertEquals(2, r5.exit());
        assertEquals("error: address nobody@city.example has no account in the account directory; create the account before"
                + " issuing its certificate\n", r5.err());

        Path garbage = dir.resolve("garbage.csr");
        Files.writeString(garbage, "hello");
        Run r6 = ca("issue", "--address", "alice@city.example", "--csr", garbage.toString(), "--out", out.toString());
        assertEquals(2, r6.exit());
        assertEquals("error: CSR is not a PKCS#10 certificate request in PEM (BEGIN CERTIFICATE REQUEST) or DER form\n", r6.err());
        assertTrue(!Files.exists(out));
    }

    @Test
    void tamperedOrDeletedAuditEntriesAreDetected() throws Exception {
        ca("issue", "--address", "alice@city.example", "--p12", dir.resolve("a1.p12").toString());
        ca("issue", "--address", "alice@city.example", "--p12", dir.resolve("a2.p12").toString());
        ca("issue", "--address", "contact@acme.example", "--p12", dir.resolve("c.p12").toString());
        Run ok = ca("audit", "verify");
        assertEquals(0, ok.exit(), ok.err());
        Path log = dir.resolve("data/ca/audit.log");
        assertEquals("audit log " + log + ": 4 entries, hash chain and seals intact\n", ok.out());

        List<String> lines = Files.readAllLines(log);
        List<String> edited = new ArrayList<>(lines);
        edited.set(2, edited.get(2).replace("alice@city.example", "mallory@city.example"));
        Files.write(log, edited);
        Run tampered = ca("audit", "verify");
        assertEquals(1, tampered.exit());
        assertEquals("audit log " + log + " has been tampered with:\n"
                + "  line 3 (entry 3): hash does not match its content: the entry was edited\n", tampered.err());

        List<String> deleted = new ArrayList<>(lines);
        deleted.remove(1);
        Files.write(log, deleted);
        Run gap = ca("audit", "verify");
        assertEquals(1, gap.exit());
        assertEquals("audit log " + log + " has been tampered with:\n"
                + "  line 2 holds entry 3 but entry 2 was expected: entries 2..2 were deleted\n", gap.err());

        Files.write(log, lines.subList(0, 3));
        Run truncated = ca("audit", "verify");
        assertEquals(1, truncated.exit());
        assertEquals("audit log " + log + " has been tampered with:\n"
                + "  the log ends at entry 3 but the CA database records entry 4 as the last: entries at the end were deleted\n",
                truncated.err());
    }

    // Attack: roll the data directory back to an earlier, genuinely sealed state of the log.
    @Test
    void anExportedCheckpointRevealsARollback() throws Exception {
        ca("issue", "--address", "alice@city.example", "--p12", dir.resolve("a1.p12").toString());
        Path log = dir.resolve("data/ca/audit.log");
        List<String> before = Files.readAllLines(log);
        Run revoke = ca("revoke", "--serial", before.get(1).replaceAll(".*serial=([0-9A-F]+) .*", "$1"), "--reason", "keyCompromise");
        assertEquals(0, revoke.exit(), revoke.err() + before);
        Path checkpoint = dir.resolve("checkpoint.txt");
        Run export = ca("audit", "export", "--out", checkpoint.toString());
        assertEquals(0, export.exit(), export.err());
        assertEquals("audit checkpoint of entry 3 written to " + checkpoint + "; keep a copy off this machine\n", export.out());
        assertTrue(Files.readString(checkpoint).startsWith("civicmail-audit-checkpoint v1\nentry=3\nhash="), Files.readString(checkpoint));
        Run again = ca("audit", "export", "--out", checkpoint.toString());
        assertEquals(2, again.exit());
        assertEquals("error: --out " + checkpoint + " already exists; choose a new file name (checkpoints are kept, not overwritten)\n",
                again.err());

        Run ok = ca("audit", "verify", "--checkpoint", checkpoint.toString());
        assertEquals(0, ok.exit(), ok.err());
        assertEquals("audit log " + log + ": 4 entries, hash chain and seals intact, checkpoint entry present and unchanged\n",
                ok.out());

        // The revocation's entry is cut off; the head in the database cannot follow from here (the
        // CLI owns the Derby files), so verify reports both.
        Files.write(log, before);
        Run rolledBack = ca("audit", "verify", "--checkpoint", checkpoint.toString());
        assertEquals(1, rolledBack.exit());
        assertTrue(rolledBack.err().contains("  the log no longer holds entry 3 of the checkpoint exported at "), rolledBack.err());

        Files.writeString(checkpoint, Files.readString(checkpoint).replace("entry=3", "entry=2"));
        Run forged = ca("audit", "verify", "--checkpoint", checkpoint.toString());
        assertEquals(1, forged.exit());
        assertTrue(forged.err().contains("  the checkpoint's seal does not match: it was edited, or it belongs to another CA\n"), forged.err());
    }

    @Test
    void bulkIssuanceShowsProgress() throws Exception {
        StringBuilder csv = new StringBuilder("address,profile,name,organization,credit_code\n");
        StringBuilder list = new StringBuilder("# registry import\n");
        for (int i = 0; i < 40; i++) {
            csv.append("c").append(i).append("@city.example,CITIZEN,,,\n");
            list.append("c").append(i).append("@city.example\n");
        }
        list.append("ghost@city.example\n");
        Files.writeString(accounts, csv.toString());
        Path addresses = dir.resolve("addresses.txt");
        Files.writeString(addresses, list.toString());
        Run r = ca("issue", "--addresses", addresses.toString(), "--out-dir", dir.resolve("p12").toString());
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().contains("issued 40/41 (100%), 1 failed, "), r.err());
        assertTrue(r.err().contains("failed: ghost@city.example: address ghost@city.example has no account in the account"
                + " directory; create the account before issuing its certificate\n"), r.err());
        assertTrue(r.out().startsWith("bulk issuance: 40 issued, 1 failed, "), r.out());
        assertTrue(Files.exists(dir.resolve("p12/c7@city.example.p12")));
        Run again = ca("issue", "--addresses", addresses.toString(), "--out-dir", dir.resolve("p12").toString());
        assertTrue(again.err().startsWith("skipping 40 addresses whose PKCS#12 already exists in "), again.err());
    }
}

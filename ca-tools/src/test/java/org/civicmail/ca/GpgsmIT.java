package org.civicmail.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * gpgsm (GnuPG 2.2, Debian 12) as a third judge, with CRL checks on (its default): it fetches our CRLs over HTTP
 * through dirmngr. The CA is configured for RSA 3072 because gpgsm 2.2 cannot verify ECDSA-signed CRLs (fixed in
 * GnuPG 2.4). gpgsm 2.2 also does not implement nameConstraints and refuses any chain with a critical one, as
 * RFC 5280 §4.2.1.10 requires ours to be: a relying party on gpgsm 2.2 adds {@code ignore-cert-extension 2.5.29.30}
 * to gpgsm.conf and dirmngr.conf (then gpgsm does not enforce the constraints; the S/MIME issuing CA's EKU still
 * limits it to e-mail).
 */
class GpgsmIT {
    private static final String NAME_CONSTRAINTS = "2.5.29.30";

    @TempDir
    Path dir;
    Path home;

    @AfterEach
    void stopAgents() throws Exception {
        if (home != null) {
            stopDirmngr();
            run(List.of("gpgconf", "--kill", "all"));
        }
    }

    @Test
    void gpgsmVerifiesWithCrlChecksAndSeesTheRevocation() throws Exception {
        try (TestCa t = new TestCa(dir, KeyAlgorithm.RSA_3072)) {
            IssuedCredential bob = t.ca.issueForAccount("bob@city.example");
            Path data = t.write("notice.txt", "水费通知 12.00 元\n");
            Path signature = signedByOpenssl(t, bob, data);
            home = Files.createDirectories(dir.resolve("g"));
            Files.setPosixFilePermissions(home, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
            Result imported = gpgsm("--batch", "--import", t.write("chain.pem", Pem.certificates(t.ca.chain())).toString());
            assertEquals(0, imported.exit(), imported.output());
            String fingerprint = HexFormat.ofDelimiter(":").withUpperCase().formatHex(
                    MessageDigest.getInstance("SHA-1").digest(t.ca.trustAnchor().getEncoded()));
            Files.writeString(home.resolve("trustlist.txt"), fingerprint + " S\n");

            // gpgsm 2.2 and RFC 5280 disagree: a critical nameConstraints extension must be processed, gpgsm does not know it.
            Result strict = gpgsm("--batch", "--verify", signature.toString(), data.toString());
            assertNotEquals(0, strict.exit(), strict.output());
            assertTrue(strict.output().contains("Unsupported certificate"), strict.output());

            Files.writeString(home.resolve("gpgsm.conf"), "ignore-cert-extension " + NAME_CONSTRAINTS + "\n");
            Files.writeString(home.resolve("dirmngr.conf"), "ignore-cert-extension " + NAME_CONSTRAINTS + "\nlog-file "
                    + home.resolve("dirmngr.log") + "\nverbose\ndebug-level advanced\n");
            // A fresh dirmngr with an empty CRL cache: what it knows about our CRLs comes from our HTTP endpoint now
            // (a cache entry left by the refused first run, or one cut short by the kill, reads as "End of file").
            stopDirmngr();
            run(List.of("gpgconf", "--kill", "all"));
            deleteTree(home.resolve("crls.d"));
            Result good = gpgsm("--batch", "--verify", signature.toString(), data.toString());
            assertEquals(0, good.exit(), good.output() + dirmngrLog());
            assertTrue(good.output().contains("Good signature from"), good.output());
            assertTrue(good.output().contains("aka \"bob@city.example\""), good.output());

            // Attack: keep using a revoked key. gpgsm fetches the new CRL (its cache emptied) and refuses the signature.
            t.ca.revoke(bob.serial(), RevocationReason.keyCompromise);
            stopDirmngr();
            deleteTree(home.resolve("crls.d"));
            Result revoked = gpgsm("--batch", "--verify", signature.toString(), data.toString());
            assertNotEquals(0, revoked.exit(), revoked.output() + dirmngrLog());
            assertTrue(revoked.output().contains("certificate has been revoked"), revoked.output());
        }
    }

    /** gpgsm 2.2 with OCSP ({@code enable-ocsp}, dirmngr {@code allow-ocsp}) under an RSA-3072 CA. */
    @Test
    void gpgsmChecksTheLeafByOurOcspResponderAndSeesTheRevocation() throws Exception {
        try (TestCa t = new TestCa(dir, KeyAlgorithm.RSA_3072)) {
            IssuedCredential bob = t.ca.issueForAccount("bob@city.example");
            Path data = t.write("notice.txt", "水费通知 12.00 元\n");
            Path signature = signedByOpenssl(t, bob, data);
            home = Files.createDirectories(dir.resolve("g"));
            Files.setPosixFilePermissions(home, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
            assertEquals(0, gpgsm("--batch", "--import", t.write("chain.pem", Pem.certificates(t.ca.chain())).toString()).exit());
            String fingerprint = HexFormat.ofDelimiter(":").withUpperCase().formatHex(
                    MessageDigest.getInstance("SHA-1").digest(t.ca.trustAnchor().getEncoded()));
            Files.writeString(home.resolve("trustlist.txt"), fingerprint + " S\n");
            Files.writeString(home.resolve("gpgsm.conf"), "ignore-cert-extension " + NAME_CONSTRAINTS + "\nenable-ocsp\n");
            Files.writeString(home.resolve("dirmngr.conf"), "ignore-cert-extension " + NAME_CONSTRAINTS + "\nallow-ocsp\nlog-file "
                    + home.resolve("dirmngr.log") + "\nverbose\ndebug-level advanced\n");
            stopDirmngr();
            run(List.of("gpgconf", "--kill", "all"));
            Result good = gpgsm("--batch", "--verify", signature.toString(), data.toString());
            assertEquals(0, good.exit(), good.output() + dirmngrLog());
            assertTrue(good.output().contains("Good signature from"), good.output());
            // dirmngr asked our responder about the leaf and accepted the delegated signer's answer (the SKI it finds
            // the signer by is there), and checked the issuing CA by the root CRL (its certificate names no responder).
            String log = dirmngrLog();
            assertTrue(log.contains("OCSP responder at '" + t.http.baseUrl() + "/ocsp' status: success"), log);
            assertTrue(log.contains("/crl/root.crl") && !log.contains("/crl/smime.crl"), log);
            t.ca.revoke(bob.serial(), RevocationReason.keyCompromise);
            stopDirmngr();
            Result revoked = gpgsm("--batch", "--verify", signature.toString(), data.toString());
            assertNotEquals(0, revoked.exit(), revoked.output() + dirmngrLog());
            // Attack: keep using a revoked key; dirmngr's fresh OCSP answer says revoked.
            assertTrue(revoked.output().contains("certificate has been revoked"), revoked.output() + dirmngrLog());
            assertTrue(!dirmngrLog().contains("/crl/smime.crl"), "the answer came from OCSP, not the leaf's CRL: " + dirmngrLog());
        }
    }

    /** A detached CMS signature of {@code data} made by openssl with bob's key (not our signer: a judge's input). */
    private Path signedByOpenssl(TestCa t, IssuedCredential bob, Path data) throws Exception {
        Path cert = t.write("bob.pem", Pem.certificates(bob.certificate()));
        Path key = t.write("bob.key", Pem.encode("PRIVATE KEY", bob.privateKey().getEncoded()));
        Path signature = dir.resolve("notice.p7s");
        Openssl.Result signed = Openssl.run("cms", "-sign", "-binary", "-in", data.toString(), "-signer", cert.toString(), "-inkey",
                key.toString(), "-outform", "DER", "-out", signature.toString());
        assertEquals(0, signed.exit(), signed.output());
        return signature;
    }

    /**
     * Stops the running dirmngr and waits until its process is gone. {@code gpgconf --kill} returns as soon as it has
     * asked; a dirmngr still shutting down keeps its socket and answers gpgsm's next connection with "End of file"
     * (seen on a loaded machine as "checking the CRL failed: No dirmngr").
     */
    private void stopDirmngr() throws Exception {
        Result pid = run(List.of("gpg-connect-agent", "--dirmngr", "--no-autostart", "GETINFO pid", "/bye"));
        run(List.of("gpgconf", "--kill", "dirmngr"));
        for (String line : pid.output().split("\n")) {
            if (line.matches("D \\d+")) {
                ProcessHandle.of(Long.parseLong(line.substring(2))).ifPresent(h -> {
                    try {
                        h.onExit().get(30, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        throw new IllegalStateException("dirmngr " + h.pid() + " did not exit after gpgconf --kill", e);
                    }
                });
            }
        }
    }

    private String dirmngrLog() throws IOException {
        Path log = home.resolve("dirmngr.log");
        return Files.exists(log) ? "\n--- dirmngr log ---\n" + Files.readString(log) : "";
    }

    record Result(int exit, String output) {
    }

    private Result gpgsm(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("gpgsm", "--homedir", home.toString()));
        cmd.addAll(List.of(args));
        return run(cmd);
    }

    private Result run(List<String> cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("GNUPGHOME", home.toString());
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(cmd.get(0) + " did not finish: " + cmd);
        }
        return new Result(p.exitValue(), out);
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (var walk = Files.walk(p)) {
            for (Path q : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(q);
            }
        }
    }
}

package org.civicmail.ca.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.civicmail.ca.CertificateAuthority;
import org.civicmail.ca.InvalidInputException;
import org.civicmail.ca.IssuedCertificate;
import org.civicmail.ca.IssuedCredential;
import org.civicmail.ca.KeyAlgorithm;
import org.civicmail.ca.Pem;
import org.civicmail.ca.SerialNumbers;
import org.civicmail.ca.authority.BulkIssuer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ca issue}: an account certificate from a CSR ({@code --csr FILE --out CERT.pem}) or with a
 * generated key ({@code --p12 FILE}); bulk for a list of addresses ({@code --addresses FILE
 * --out-dir DIR}); a TLS server certificate ({@code --tls NAME... --p12 FILE}); renewal
 * ({@code --renew SERIAL}).
 */
@Command(name = "issue", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Issue a certificate. Subject and SAN always come from the account, never from the CSR.")
final class IssueCommand extends CaCommandChild {
    @Option(names = "--address", paramLabel = "ADDR", description = "Account address to issue for.")
    String address;

    @Option(names = "--addresses", paramLabel = "FILE", description = "Bulk: file with one address per line ('#' comments).")
    Path addresses;

    @Option(names = "--tls", paramLabel = "NAME", split = ",", description = "TLS server certificate for these DNS names / IPs.")
    List<String> tlsNames;

    @Option(names = "--renew", paramLabel = "SERIAL", description = "Renew this account certificate (address taken from it).")
    String renew;

    @Option(names = "--csr", paramLabel = "FILE", description = "PKCS#10 request (PEM or DER); use with --out.")
    Path csr;

    @Option(names = "--out", paramLabel = "CERT.pem", description = "Where to write the certificate chain (PEM).")
    Path out;

    @Option(names = "--p12", paramLabel = "FILE", description = "Generate the key and write key + chain as PKCS#12.")
    Path p12;

    @Option(names = "--out-dir", paramLabel = "DIR", description = "Bulk: directory for <address>.p12 files.")
    Path outDir;

    @Option(names = "--p12-password-file", paramLabel = "FILE",
            description = "File holding the PKCS#12 password (default: environment variable CIVICMAIL_P12_PASSWORD).")
    Path passwordFile;

    @Option(names = "--key-algorithm", paramLabel = "ALG", description = "ec-p256 (default), rsa-3072 or rsa-2048.")
    String keyAlgorithm;

    @Option(names = "--threads", description = "Bulk: worker threads (default 8: more than the CPUs, so disk syncs overlap).")
    int threads = 8;

    @Override
    int execute(CaEnvironment env) throws IOException {
        int modes = (address != null ? 1 : 0) + (addresses != null ? 1 : 0) + (tlsNames != null ? 1 : 0) + (renew != null ? 1 : 0);
        if (modes != 1) {
            throw bad("give exactly one of --address ADDR, --addresses FILE, --tls NAME or --renew SERIAL");
        }
        KeyAlgorithm alg = keyAlgorithm == null ? null : KeyAlgorithm.parse("--key-algorithm", keyAlgorithm);
        if (addresses != null) {
            return bulk(env, alg);
        }
        if ((csr == null) == (p12 == null)) {
            throw bad("give either --csr FILE with --out CERT.pem (the key stays with the requester) or --p12 FILE"
                    + " (the CA generates the key)");
        }
        if (csr != null && out == null) {
            throw bad("--csr needs --out CERT.pem, the file to write the certificate chain to");
        }
        if (csr != null && tlsNames != null) {
            throw bad("--tls issues with a generated key; use --p12 FILE instead of --csr");
        }
        CertificateAuthority ca = ca(env);
        if (csr != null) {
            byte[] request = readCsr(env);
            IssuedCertificate issued = renew != null
                    ? ca.renewFromCsr(SerialNumbers.parse("--renew", renew), request)
                    : ca.issueFromCsr(address, request);
            List<java.security.cert.X509Certificate> all = new ArrayList<>();
            all.add(issued.certificate());
            all.addAll(issued.chain());
            Files.writeString(resolve(env, out), Pem.certificates(all), StandardCharsets.US_ASCII);
            report(env, issued, resolve(env, out));
            return 0;
        }
        char[] password = Passwords.p12Password(env, passwordFile);
        IssuedCredential credential;
        if (tlsNames != null) {
            credential = ca.issueTlsServer(tlsNames.toArray(new String[0]));
        } else if (renew != null) {
            credential = ca.renew(SerialNumbers.parse("--renew", renew));
        } else {
            credential = alg == null ? ca.issueForAccount(address) : ca.issueForAccount(address, alg);
        }
        credential.writePkcs12(alias(credential), password, resolve(env, p12));
        report(env, credential.issued(), resolve(env, p12));
        return 0;
    }

    private byte[] readCsr(CaEnvironment env) {
        try {
            return Files.readAllBytes(resolve(env, csr));
        } catch (IOException e) {
            throw new InvalidInputException("--csr " + csr + " cannot be read (" + e.getClass().getSimpleName()
                    + "); give the path of a PKCS#10 request");
        }
    }

    private static String alias(IssuedCredential c) {
        return c.certificate().getSubjectX500Principal().getName().replaceAll("[^A-Za-z0-9@._-]+", "_");
    }

    private static void report(CaEnvironment env, IssuedCertificate issued, Path file) {
        env.out().println("issued serial " + SerialNumbers.toHex(issued.serial()) + " to "
                + issued.certificate().getSubjectX500Principal().getName() + " -> " + file);
    }

    private int bulk(CaEnvironment env, KeyAlgorithm alg) throws IOException {
        if (outDir == null) {
            throw bad("--addresses needs --out-dir DIR, where one <address>.p12 per account is written");
        }
        List<String> list = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(resolve(env, addresses), StandardCharsets.UTF_8)) {
                String a = line.strip();
                if (!a.isEmpty() && !a.startsWith("#")) {
                    list.add(a);
                }
            }
        } catch (IOException e) {
            throw bad("--addresses " + addresses + " cannot be read (" + e.getClass().getSimpleName() + ")");
        }
        char[] password = Passwords.p12Password(env, passwordFile);
        Path dir = resolve(env, outDir);
        Files.createDirectories(dir);
        int before = list.size();
        list.removeIf(a -> Files.exists(dir.resolve(safe(a) + ".p12")));
        if (list.size() < before) {
            env.err().println("skipping " + (before - list.size()) + " addresses whose PKCS#12 already exists in " + dir);
        }
        if (list.isEmpty()) {
            env.out().println("bulk issuance: nothing to do");
            return 0;
        }
        CertificateAuthority ca = ca(env);
        AtomicLong lastReport = new AtomicLong();
        int step = Math.max(1, list.size() / 100);
        BulkIssuer.Result result = BulkIssuer.run(list, threads,
                a -> alg == null ? ca.issueForAccount(a) : ca.issueForAccount(a, alg),
                c -> c.writePkcs12(alias(c), password, dir.resolve(fileName(c))),
                (done, failed, total, rate) -> {
                    long now = System.nanoTime();
                    long last = lastReport.get();
                    if (done == total || (done % step == 0 && now - last > 1_000_000_000L && lastReport.compareAndSet(last, now))) {
                        long etaSeconds = rate > 0 ? (long) ((total - done) / rate) : 0;
                        env.err().printf("issued %d/%d (%d%%), %d failed, %.0f certificates/s, about %ds left%n",
                                done - failed, total, done * 100L / total, failed, rate, etaSeconds);
                    }
                });
        for (BulkIssuer.Failure f : result.failures()) {
            env.err().println("failed: " + f.address() + ": " + f.message());
        }
        env.out().printf("bulk issuance: %d issued, %d failed, %.1f s, PKCS#12 files in %s%n", result.issued(),
                result.failures().size(), result.seconds(), dir);
        return result.failures().isEmpty() ? 0 : 1;
    }

    private static String fileName(IssuedCredential c) {
        String email = c.certificate().getSubjectX500Principal().getName();
        try {
            for (List<?> san : c.certificate().getSubjectAlternativeNames()) {
                if ((Integer) san.get(0) == 1) {
                    email = (String) san.get(1);
                }
            }
        } catch (java.security.cert.CertificateParsingException e) {
            // keep the subject
        }
        return safe(email) + ".p12";
    }

    private static String safe(String name) {
        return name.replaceAll("[^A-Za-z0-9@._-]+", "_");
    }
}

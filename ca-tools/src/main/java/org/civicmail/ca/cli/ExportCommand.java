package org.civicmail.ca.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import org.civicmail.ca.CaException;
import org.civicmail.ca.CertificateAuthority;
import org.civicmail.ca.InvalidInputException;
import org.civicmail.ca.Pem;
import org.civicmail.ca.SerialNumbers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ca export}: the CA chain (issuing + root) or one issued certificate as PEM, or the chain
 * as a PKCS#12 trust store for clients.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Export the CA chain (PEM or PKCS#12 trust store) or one certificate (PEM).")
final class ExportCommand extends CaCommandChild {
    @Option(names = "--out", required = true, paramLabel = "FILE", description = "File to write.")
    Path out;

    @Option(names = "--format", defaultValue = "pem", description = "pem (default) or p12 (trust store of the chain).")
    String format;

    @Option(names = "--root-only", description = "Only the root certificate (the trust anchor).")
    boolean rootOnly;

    @Option(names = "--serial", paramLabel = "SERIAL", description = "Export this issued certificate followed by the chain.")
    String serial;

    @Option(names = "--p12-password-file", paramLabel = "FILE",
            description = "Password for --format p12 (default: environment variable CIVICMAIL_P12_PASSWORD).")
    Path passwordFile;

    @Override
    int execute(CaEnvironment env) throws IOException {
        String f = format.toLowerCase(java.util.Locale.ROOT);
        if (!f.equals("pem") && !f.equals("p12")) {
            throw bad("--format '" + format + "' is not supported: use pem or p12");
        }
        CertificateAuthority ca = ca(env);
        List<X509Certificate> certs = new java.util.ArrayList<>();
        if (serial != null) {
            var s = SerialNumbers.parse("--serial", serial);
            certs.add(ca.find(s).orElseThrow(() -> new InvalidInputException("--serial " + serial
                    + ": no certificate with that serial was issued by this CA")).certificate());
        }
        certs.addAll(rootOnly ? List.of(ca.trustAnchor()) : ca.caCertificates());
        Path file = resolve(env, out);
        if (f.equals("pem")) {
            Files.writeString(file, Pem.certificates(certs), StandardCharsets.US_ASCII);
        } else {
            char[] password = Passwords.p12Password(env, passwordFile);
            try (OutputStream o = Files.newOutputStream(file)) {
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                for (X509Certificate c : certs) {
                    ks.setCertificateEntry(c.getSubjectX500Principal().getName(), c);
                }
                ks.store(o, password);
            } catch (GeneralSecurityException e) {
                throw new CaException("cannot write the PKCS#12 trust store " + file + ": " + e.getMessage(), e);
            }
        }
        env.out().println("wrote " + certs.size() + " certificate(s) to " + file);
        return 0;
    }
}

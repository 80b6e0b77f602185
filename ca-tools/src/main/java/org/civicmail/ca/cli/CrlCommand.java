package org.civicmail.ca.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bouncycastle.cert.X509CRLHolder;
import org.civicmail.ca.Pem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ca crl}: shows (and with {@code --out} writes) the current CRL; {@code --reissue} signs a new one. */
@Command(name = "crl", mixinStandardHelpOptions = true, description = "Show, write or reissue the CRL.")
final class CrlCommand extends CaCommandChild {
    @Option(names = "--out", paramLabel = "FILE", description = "Write the CRL here (DER, or PEM with --pem).")
    Path out;

    @Option(names = "--pem", description = "Write PEM instead of DER.")
    boolean pem;

    @Option(names = "--reissue", description = "Sign a new CRL now.")
    boolean reissue;

    @Override
    int execute(CaEnvironment env) throws IOException {
        byte[] der = reissue ? ca(env).reissueCrl() : ca(env).currentCrl();
        X509CRLHolder crl = new X509CRLHolder(der);
        var number = org.bouncycastle.asn1.x509.CRLNumber.getInstance(
                crl.getExtension(org.bouncycastle.asn1.x509.Extension.cRLNumber).getParsedValue()).getCRLNumber();
        env.out().println("CRL number " + number + ", thisUpdate " + crl.getThisUpdate().toInstant() + ", nextUpdate "
                + crl.getNextUpdate().toInstant() + ", " + crl.getRevokedCertificates().size() + " revoked");
        if (out != null) {
            try {
                if (pem) {
                    Files.writeString(resolve(env, out), Pem.encode("X509 CRL", der), StandardCharsets.US_ASCII);
                } else {
                    Files.write(resolve(env, out), der);
                }
            } catch (IOException e) {
                throw new IOException("cannot write --out " + out + ": " + e.getMessage(), e);
            }
            env.out().println("written to " + resolve(env, out));
        }
        return 0;
    }
}

package org.civicmail.ca.cli;

import org.civicmail.ca.CertificateRecord;
import org.civicmail.ca.InvalidInputException;
import org.civicmail.ca.Pem;
import org.civicmail.ca.SerialNumbers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ca show --serial S}: one certificate's record, and its PEM with {@code --pem}. */
@Command(name = "show", mixinStandardHelpOptions = true, description = "Show one certificate.")
final class ShowCommand extends CaCommandChild {
    @Option(names = "--serial", required = true, paramLabel = "SERIAL", description = "Hex as listed, 0x-hex, or decimal.")
    String serial;

    @Option(names = "--pem", description = "Also print the certificate in PEM.")
    boolean pem;

    @Override
    int execute(CaEnvironment env) {
        var s = SerialNumbers.parse("--serial", serial);
        CertificateRecord r = ca(env).find(s).orElseThrow(() -> new InvalidInputException("--serial " + serial
                + ": no certificate with serial " + SerialNumbers.toHex(s) + " was issued by this CA; `ca list` shows the serials"));
        var out = env.out();
        out.println("serial:      " + r.serialHex());
        out.println("profile:     " + r.profile());
        out.println("subject:     " + r.subject());
        out.println("issuer:      " + r.issuer());
        out.println("account:     " + (r.account() == null ? "-" : r.account()));
        out.println("names:       " + (r.san() == null ? "-" : r.san()));
        out.println("not before:  " + r.notBefore());
        out.println("not after:   " + r.notAfter());
        out.println("status:      " + r.status());
        if (pem) {
            out.print(Pem.certificates(r.certificate()));
        }
        return 0;
    }
}

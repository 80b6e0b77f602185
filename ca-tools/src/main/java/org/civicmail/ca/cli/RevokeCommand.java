package org.civicmail.ca.cli;

import java.math.BigInteger;
import org.civicmail.ca.CertificateStatus;
import org.civicmail.ca.RevocationReason;
import org.civicmail.ca.SerialNumbers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ca revoke --serial S --reason R}: revokes and reissues the CRL; removeFromCRL releases a hold. */
@Command(name = "revoke", mixinStandardHelpOptions = true,
        description = "Revoke a certificate (RFC 5280 reason); --reason removeFromCRL releases a certificateHold.")
final class RevokeCommand extends CaCommandChild {
    @Option(names = "--serial", required = true, paramLabel = "SERIAL",
            description = "Serial: hex as `ca list` prints it, 0x-prefixed hex, or decimal digits.")
    String serial;

    @Option(names = "--reason", paramLabel = "REASON", defaultValue = "unspecified",
            description = "unspecified, keyCompromise, cACompromise, affiliationChanged, superseded, cessationOfOperation,"
                    + " certificateHold, removeFromCRL, privilegeWithdrawn, aACompromise.")
    String reason;

    @Override
    int execute(CaEnvironment env) {
        BigInteger s = SerialNumbers.parse("--serial", serial);
        RevocationReason r = RevocationReason.parse("--reason", reason);
        CertificateStatus status = ca(env).revoke(s, r);
        env.out().println("certificate " + SerialNumbers.toHex(s) + " is now " + status + "; the CRL was reissued");
        return 0;
    }
}

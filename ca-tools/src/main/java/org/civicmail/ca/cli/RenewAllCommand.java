package org.civicmail.ca.cli;

import org.civicmail.ca.CertificateAuthority;
import org.civicmail.ca.SerialNumbers;
import picocli.CommandLine.Command;

/**
 * {@code ca renew-all}: after the upgrade to purpose-bound issuing CAs, moves every good account and TLS server
 * certificate of the first-generation issuing CA to the S/MIME or TLS issuing CA (same key, subject as the
 * account directory has it now) and revokes the old one with reason superseded.
 */
@Command(name = "renew-all", mixinStandardHelpOptions = true,
        description = "Re-issue every good account and TLS certificate of an older issuing CA under the current S/MIME or TLS"
                + " issuing CA (same key) and revoke the old one (superseded).")
final class RenewAllCommand extends CaCommandChild {
    @Override
    int execute(CaEnvironment env) {
        CertificateAuthority ca = ca(env);
        CertificateAuthority.RenewAllResult result = ca.renewAll(r -> {
            env.renewed(r);
            env.out().println(r.old().serialHex() + " -> " + SerialNumbers.toHex(r.replacement().serial()) + "  "
                    + (r.old().account() == null ? r.old().san() : r.old().account()) + "  (old one revoked: superseded)");
        });
        result.skipped().forEach(s -> env.err().println("left: " + s));
        env.out().println(result.renewed().size() + " certificates renewed, " + result.skipped().size() + " left; new S/MIME"
                + " certificates come from the " + ca.smimeIssuer().slug() + " issuing CA, TLS from the " + ca.tlsIssuer().slug()
                + " issuing CA");
        return 0;
    }
}

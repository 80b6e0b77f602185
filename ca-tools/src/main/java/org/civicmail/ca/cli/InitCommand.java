package org.civicmail.ca.cli;

import org.civicmail.ca.CertificateAuthority;
import picocli.CommandLine.Command;

/** {@code ca init}: creates the root CA, the issuing CAs and their OCSP signers if they do not exist yet. */
@Command(name = "init", mixinStandardHelpOptions = true,
        description = "Create the root CA, the S/MIME and TLS issuing CAs and their OCSP signers (does nothing if they exist).")
final class InitCommand extends CaCommandChild {
    @Override
    int execute(CaEnvironment env) {
        CertificateAuthority ca = ca(env);
        env.out().println(ca.createdOnOpen() ? "created the certificate authority:" : "the certificate authority already exists:");
        env.out().println(ca.describe());
        return 0;
    }
}

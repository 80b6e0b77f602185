package org.civicmail.cli;

import java.io.PrintStream;
import java.nio.file.Path;

import org.civicmail.ca.CertificateAuthority;
import org.civicmail.ca.cli.CaEnvironment;
import org.civicmail.server.ServerStartException;
import org.civicmail.smime.AccountKeyStore;

/** Hands the {@code ca} commands the server's CA, opened only when a command needs it ({@code ca --help} does not). */
public final class HostCaEnvironment implements CaEnvironment {
    private final CliContext context;

    public HostCaEnvironment(CliContext context) {
        this.context = context;
    }

    @Override
    public CertificateAuthority authority() {
        try {
            return context.service(CertificateAuthority.class);
        } catch (ServerStartException e) {
            throw new CaUnavailableException(e.getMessage(), e);
        }
    }

    /**
     * {@code ca renew-all}: the server-side signing key of an account gets its re-issued certificate (same key) before
     * the old one is revoked. The listeners' TLS certificate is never among the renewals: the start re-issues it from
     * the TLS issuing CA as soon as that CA exists ({@code TlsCertificateProvisioner}), because the start is the one
     * moment every listener (SMTP, IMAP, the broadcast API, the webmail child) loads it, so none ever presents a
     * revoked certificate. A TLS certificate renew-all does re-issue (one made with {@code ca issue --tls} for another
     * host) has its key elsewhere; its holder fetches the new one with {@code ca show --pem}.
     */
    @Override
    public void renewed(CertificateAuthority.Renewal renewal) {
        if (renewal.old().account() == null) {
            return;
        }
        try {
            context.service(AccountKeyStore.class).replaceCertificate(renewal.old().account(), renewal.old().serial(),
                renewal.replacement().certificate(), renewal.replacement().chain());
        } catch (ServerStartException e) {
            throw new CaUnavailableException(e.getMessage(), e);
        }
    }

    @Override
    public PrintStream out() {
        return context.outStream();
    }

    @Override
    public PrintStream err() {
        return context.errStream();
    }

    @Override
    public String getenv(String name) {
        return context.getenv(name);
    }

    @Override
    public Path workingDirectory() {
        return context.cwd();
    }

    /** The server (and so its CA) could not be started for this command. */
    static final class CaUnavailableException extends RuntimeException {
        CaUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

}

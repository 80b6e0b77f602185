package org.civicmail.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

import org.civicmail.ca.CertificateAuthority;
import org.civicmail.ca.cli.CaEnvironment;
import org.civicmail.server.DataDirectory;
import org.civicmail.server.ServerStartException;
import org.civicmail.tls.TlsKeyStore;
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
     * {@code ca renew-all}: the server-side signing key of an account, or the listeners' TLS key, gets its re-issued
     * certificate (same key) before the old one is revoked. Running listeners pick up a renewed TLS certificate at
     * the next start (the start itself re-issues one from the TLS issuing CA when needed).
     */
    @Override
    public void renewed(CertificateAuthority.Renewal renewal) {
        try {
            X509Certificate renewed = renewal.replacement().certificate();
            if (renewal.old().account() != null) {
                context.service(AccountKeyStore.class).replaceCertificate(renewal.old().account(), renewal.old().serial(), renewed,
                    renewal.replacement().chain());
                return;
            }
            TlsKeyStore tls = new TlsKeyStore(context.service(DataDirectory.class).keys());
            if (tls.exists() && tls.certificate().getSerialNumber().equals(renewal.old().serial())) {
                KeyStore ks = tls.load();
                PrivateKey key = (PrivateKey) ks.getKey(TlsKeyStore.ALIAS, tls.secret());
                List<X509Certificate> chain = new ArrayList<>(List.of(renewed));
                chain.addAll(renewal.replacement().chain());
                tls.write(key, chain.toArray(X509Certificate[]::new));
            }
        } catch (ServerStartException e) {
            throw new CaUnavailableException(e.getMessage(), e);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot store the renewed certificate " + renewal.replacement().serial().toString(16)
                + " beside its key: " + e.getMessage(), e);
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

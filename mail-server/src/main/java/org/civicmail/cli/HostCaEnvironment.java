package org.civicmail.cli;

import java.io.PrintStream;
import java.nio.file.Path;

import org.civicmail.ca.CertificateAuthority;
import org.civicmail.ca.cli.CaEnvironment;
import org.civicmail.server.ServerStartException;

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

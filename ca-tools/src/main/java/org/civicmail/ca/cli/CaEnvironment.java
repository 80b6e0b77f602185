package org.civicmail.ca.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import org.civicmail.ca.CertificateAuthority;

/**
 * What the host application gives the {@code ca} commands. Commands never build their own
 * storage: they ask for the authority, which the host opens (lazily, so {@code ca --help} works
 * without a passphrase) from its data directory and account directory.
 */
public interface CaEnvironment {
    /** The open CA; may throw {@link org.civicmail.ca.CaException} (e.g. no passphrase). */
    CertificateAuthority authority();

    /** Results (serials, tables, PEM). */
    PrintStream out();

    /** Progress and error messages. */
    PrintStream err();

    /** Base for relative file names given on the command line. */
    default Path workingDirectory() {
        return Path.of("").toAbsolutePath();
    }

    /**
     * Called by {@code ca renew-all} for each certificate it re-issued, before the old one is revoked: a host
     * that keeps the key (the mail server's signing keys and TLS key store) puts the new certificate beside it.
     */
    default void renewed(CertificateAuthority.Renewal renewal) {
    }

    /** Environment variables (for {@code CIVICMAIL_P12_PASSWORD}); overridable in tests. */
    default String getenv(String name) {
        return System.getenv(name);
    }
}

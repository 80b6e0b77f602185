package org.civicmail.ca.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.derby.jdbc.EmbeddedDataSource;
import org.civicmail.ca.CaConfig;
import org.civicmail.ca.CaUrls;
import org.civicmail.ca.CertificateAuthority;
import org.civicmail.ca.KeyAlgorithm;
import org.civicmail.ca.PassphraseSource;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Standalone entry point for ca-tools' own tests and for operating the CA without the mail
 * server: {@code civicmail-ca [--data DIR] [--base-url URL] [--directory accounts.csv] ca ...}.
 * Uses Derby at {@code DIR/derby/civicmail} and keys at {@code DIR/ca}, like the mail server.
 */
@Command(name = "civicmail-ca", mixinStandardHelpOptions = true, description = "CivicMail certificate authority (standalone).")
public final class CaMain implements CaEnvironment {
    @Option(names = "--data", defaultValue = "data", description = "Data directory (default ./data).")
    Path data;

    @Option(names = "--base-url", defaultValue = "http://127.0.0.1:8088",
            description = "Base URL of the CA's HTTP endpoints, written into certificates.")
    String baseUrl;

    @Option(names = "--directory", paramLabel = "CSV",
            description = "Accounts: CSV with header address,profile,name,organization,credit_code.")
    Path directory;

    @Option(names = "--key-algorithm", defaultValue = "ec-p256", description = "CA key algorithm at init: ec-p256 or rsa-3072.")
    String keyAlgorithm;

    @Option(names = "--mail-domains", paramLabel = "DOMAIN,...", split = ",",
            description = "The city's mail domains: the S/MIME issuing CA's name constraints (with --tls-names).")
    java.util.List<String> mailDomains = java.util.List.of();

    @Option(names = "--tls-names", paramLabel = "HOST,...", split = ",",
            description = "Host names / IP addresses the TLS issuing CA may certify (with --mail-domains).")
    java.util.List<String> tlsNames = java.util.List.of();

    private final PrintStream out;
    private final PrintStream err;
    private final java.util.Map<String, String> env;
    private CertificateAuthority authority;

    public CaMain(PrintStream out, PrintStream err, java.util.Map<String, String> env) {
        this.out = out;
        this.err = err;
        this.env = env;
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err, System.getenv()));
    }

    /** Runs a command line and returns the exit code (0 ok, 1 failure, 2 bad input). */
    public static int run(String[] args, PrintStream out, PrintStream err, java.util.Map<String, String> env) {
        CaMain main = new CaMain(out, err, env);
        CommandLine cl = new CommandLine(main);
        cl.addSubcommand("ca", new CaCommand(main));
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        try {
            return cl.execute(args);
        } finally {
            main.close();
        }
    }

    @Override
    public synchronized CertificateAuthority authority() {
        if (authority == null) {
            if (System.getProperty("derby.stream.error.file") == null) {
                try {
                    java.nio.file.Files.createDirectories(data);
                } catch (java.io.IOException e) {
                    throw new org.civicmail.ca.CaException("cannot create the data directory " + data + ": " + e.getMessage(), e);
                }
                System.setProperty("derby.stream.error.file", data.resolve("derby.log").toAbsolutePath().toString());
            }
            EmbeddedDataSource ds = new EmbeddedDataSource();
            ds.setDatabaseName(data.resolve("derby").resolve("civicmail").toString());
            ds.setCreateDatabase("create");
            CaConfig config = new CaConfig(ds, data.resolve("ca"), new CaUrls(baseUrl),
                    KeyAlgorithm.parse("--key-algorithm", keyAlgorithm), PassphraseSource.fromEnvironment(env), null, null, null)
                    .withNames(mailDomains, tlsNames);
            if (!config.hasNames()) {
                err.println("warning: without --mail-domains and --tls-names a new CA gets one unconstrained issuing CA"
                        + " (the first-generation layout); give both to get the purpose-bound S/MIME and TLS issuing CAs");
            }
            authority = CertificateAuthority.open(config,
                    directory == null ? a -> Optional.empty() : new CsvSubjectDirectory(directory));
        }
        return authority;
    }

    @Override
    public PrintStream out() {
        return out;
    }

    @Override
    public PrintStream err() {
        return err;
    }

    @Override
    public String getenv(String name) {
        return env.get(name);
    }

    private synchronized void close() {
        if (authority != null) {
            authority.close();
            try {
                java.sql.DriverManager.getConnection("jdbc:derby:" + data.resolve("derby").resolve("civicmail") + ";shutdown=true");
            } catch (java.sql.SQLException expected) {
                // Derby signals a clean shutdown with an exception
            }
        }
    }
}

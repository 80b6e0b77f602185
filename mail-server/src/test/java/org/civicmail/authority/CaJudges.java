package org.civicmail.authority;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.civicmail.testkit.ForkedServer.CliResult;
import org.civicmail.testkit.Openssl;
import org.civicmail.testkit.RunningServer;

/**
 * openssl and NSS judging the certificates a running server's CA issued: the CA certificates from its HTTP
 * endpoint, each end-entity certificate through {@code ca list} / {@code ca show}, and an NSS database in
 * {@code dir} that trusts the root and knows every issuing CA.
 */
final class CaJudges {
    static final Pattern SERIAL = Pattern.compile("^([0-9A-F]{16,})\\s", Pattern.MULTILINE);

    private final RunningServer server;
    private final Path dir;
    final Path root;
    final Path intermediates;
    final Path nss;

    CaJudges(RunningServer server, Path dir) throws Exception {
        this.server = server;
        this.dir = Files.createDirectories(dir);
        List<X509Certificate> cas = parse(http("/ca/chain.pem"));
        root = Files.writeString(dir.resolve("root.pem"), pem(cas.get(cas.size() - 1)));
        StringBuilder rest = new StringBuilder();
        cas.subList(0, cas.size() - 1).forEach(c -> rest.append(pem(c)));
        intermediates = Files.writeString(dir.resolve("intermediates.pem"), rest.toString());
        nss = Files.createDirectories(dir.resolve("nss"));
        run("certutil", "-N", "-d", "sql:" + nss, "--empty-password");
        run("certutil", "-A", "-d", "sql:" + nss, "-n", "root", "-t", "C,C,C", "-i", root.toString());
        for (int i = 0; i < cas.size() - 1; i++) {
            Path p = Files.writeString(dir.resolve("ca-" + i + ".pem"), pem(cas.get(i)));
            run("certutil", "-A", "-d", "sql:" + nss, "-n", "ca-" + i, "-t", ",,", "-i", p.toString());
        }
    }

    /** A body from the CA's HTTP endpoint, e.g. {@code /ca/chain.pem}. */
    String http(String path) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create(baseUrl() + path)).build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.ISO_8859_1));
        assertThat(r.statusCode()).as(path).isEqualTo(200);
        return r.body();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.port("ca-http");
    }

    /** A file holding one CA certificate from the HTTP endpoint, e.g. {@code smime} for {@code /ca/smime.pem}. */
    Path caFile(String name) throws Exception {
        return Files.writeString(dir.resolve(name + "-ca.pem"), http("/ca/" + name + ".pem"));
    }

    /** {@code openssl verify -x509_strict -purpose P} and NSS {@code certutil -V -u U} both accept it. */
    void accepts(X509Certificate c, String purpose, String usage) throws Exception {
        String name = c.getSerialNumber().toString(16);
        Path leaf = write(c);
        Openssl.Result o = Openssl.run("verify", "-x509_strict", "-purpose", purpose, "-CAfile", root.toString(), "-untrusted",
            intermediates.toString(), leaf.toString());
        assertThat(o.output()).isEqualTo(leaf + ": OK\n");
        run("certutil", "-A", "-d", "sql:" + nss, "-n", name, "-t", ",,", "-i", leaf.toString());
        assertThat(run("certutil", "-V", "-d", "sql:" + nss, "-n", name, "-u", usage)).contains("certificate is valid");
    }

    Path write(X509Certificate c) throws Exception {
        return Files.writeString(dir.resolve(c.getSerialNumber().toString(16) + ".pem"), pem(c));
    }

    /** The newest certificate of an account ({@code ca list --account}). */
    X509Certificate newest(String account) throws Exception {
        return newestOf("--account", account);
    }

    /** The newest certificate of a profile ({@code ca list --profile}). */
    X509Certificate newestProfile(String profile) throws Exception {
        return newestOf("--profile", profile);
    }

    private X509Certificate newestOf(String option, String value) throws Exception {
        Matcher m = SERIAL.matcher(ok("", "ca", "list", option, value, "--limit", "1"));
        assertThat(m.find()).as("a certificate for " + value).isTrue();
        return show(m.group(1));
    }

    X509Certificate show(String serial) throws Exception {
        String out = ok("", "ca", "show", "--serial", serial, "--pem");
        return parse(out.substring(out.indexOf("-----BEGIN"))).get(0);
    }

    String ok(String stdin, String... args) throws Exception {
        return ok(server, stdin, args);
    }

    /** {@code civicmail ARGS} against the server; must exit 0. */
    static String ok(RunningServer server, String stdin, String... args) throws Exception {
        CliResult r = server.cli(stdin, args);
        assertThat(r.exitCode()).as(String.join(" ", args) + ": " + r.out() + r.err()).isZero();
        return r.out();
    }

    static List<X509Certificate> parse(String pem) throws Exception {
        List<X509Certificate> out = new ArrayList<>();
        for (var c : CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
            out.add((X509Certificate) c);
        }
        return out;
    }

    static String pem(X509Certificate c) {
        try {
            return "-----BEGIN CERTIFICATE-----\n" + java.util.Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(c.getEncoded()) + "\n-----END CERTIFICATE-----\n";
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs an NSS tool; every command but a verification ({@code -V}, whose verdict is the point) must succeed. */
    static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        if (!cmd[1].equals("-V") && !cmd[0].equals("vfychain")) {
            assertThat(p.exitValue()).as(String.join(" ", cmd) + ": " + out).isZero();
        }
        return out;
    }
}

package org.civicmail.authority;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.civicmail.testkit.CivicMailExtension;
import org.civicmail.testkit.ForkedServer.CliResult;
import org.civicmail.testkit.TestIds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The CA inside the running server: its HTTP endpoints, the TLS certificate it issued, and `ca` over the admin API. */
class CaInServerIT {
    @RegisterExtension
    static final CivicMailExtension server = new CivicMailExtension();

    @TempDir
    Path tmp;

    @Test
    void listenersPresentACertificateOfOurCaAndCaCommandsWorkWhileTheServerRuns() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> root = http.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + server.port("ca-http") + "/ca/root.pem")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(root.statusCode()).isEqualTo(200);
        Path rootPem = Files.writeString(tmp.resolve("root.pem"), root.body());

        // openssl, not our code, judges the chain the IMAPS and submission listeners present.
        assertThat(openssl(null, "s_client", "-connect", "127.0.0.1:" + server.port("imaps"), "-CAfile", rootPem.toString(),
            "-verify_return_error", "-verify_hostname", "localhost")).contains("Verify return code: 0 (ok)");
        assertThat(openssl(null, "s_client", "-connect", "127.0.0.1:" + server.port("submission"), "-starttls", "smtp",
            "-CAfile", rootPem.toString(), "-verify_return_error")).contains("Verify return code: 0 (ok)");

        String citizen = "gao.yan@citizen.hangzhou.example";
        assertThat(server.cli("passw0rd-ok\n", "account", "add", "--class", "citizen", "--address", citizen, "--name", "高艳",
            "--id-number", TestIds.residentId("33010619900909007"), "--password-stdin").exitCode()).isZero();
        Path passwordFile = Files.writeString(tmp.resolve("p12.pw"), "p12-password-9");
        Path p12 = tmp.resolve("gao.p12");
        CliResult issued = server.cli(null, "ca", "issue", "--address", citizen, "--p12", p12.toString(),
            "--p12-password-file", passwordFile.toString());
        assertThat(issued.exitCode()).as(issued.err()).isZero();
        String certPem = openssl(null, "pkcs12", "-in", p12.toString(), "-nokeys", "-clcerts", "-passin", "file:" + passwordFile);
        Path cert = Files.writeString(tmp.resolve("gao.pem"), certPem);
        Path chain = Files.writeString(tmp.resolve("chain.pem"), http.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + server.port("ca-http") + "/ca/chain.pem")).build(), HttpResponse.BodyHandlers.ofString()).body());
        assertThat(openssl(null, "verify", "-purpose", "smimesign", "-CAfile", chain.toString(), cert.toString())).contains(": OK");
        assertThat(openssl(null, "x509", "-in", cert.toString(), "-noout", "-ext", "subjectAltName")).contains("email:" + citizen);

        CliResult list = server.cli(null, "ca", "list");
        assertThat(list.exitCode()).isZero();
        assertThat(list.out()).contains(citizen);

        CliResult unknown = server.cli(null, "ca", "issue", "--address", "nobody@citizen.hangzhou.example", "--p12",
            tmp.resolve("x.p12").toString(), "--p12-password-file", passwordFile.toString());
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(Files.exists(tmp.resolve("x.p12"))).isFalse();
    }

    static String openssl(String stdin, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (stdin != null) {
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(60, TimeUnit.SECONDS);
        return out;
    }
}

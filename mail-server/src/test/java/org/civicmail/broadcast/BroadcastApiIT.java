package org.civicmail.broadcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.civicmail.broadcast.BroadcastFixture.CITIZENS;
import static org.civicmail.broadcast.BroadcastFixture.OFFICIALS;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.civicmail.testkit.CivicMailExtension;
import org.civicmail.testkit.ForkedServer.CliResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The REST API over mutual TLS: no certificate, a revoked one and a good one. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BroadcastApiIT {
    static final String AGENCY = "social-insurance@" + OFFICIALS;
    static final String P12_PASSWORD = "client-p12-pw";

    @RegisterExtension
    static final CivicMailExtension server = new CivicMailExtension();
    @TempDir
    static Path tmp;
    BroadcastFixture f;
    String base;

    @BeforeAll
    void start() throws Exception {
        f = new BroadcastFixture(server, tmp);
        f.official(AGENCY, "杭州市社保中心", true);
        f.citizens("c.csv", List.<String[]>of(new String[] {"api1", "临平区"}), "330110199201010");
        base = "https://localhost:" + server.port("broadcast-api");
    }

    private String issue(String name) throws Exception {
        Path pw = Files.writeString(tmp.resolve("pw"), P12_PASSWORD);
        CliResult r = server.cli(null, "ca", "issue", "--address", AGENCY, "--p12", tmp.resolve(name).toString(), "--p12-password-file", pw.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        Matcher m = Pattern.compile("issued serial ([0-9a-fA-F:]+)").matcher(r.out());
        assertThat(m.find()).as(r.out()).isTrue();
        return m.group(1);
    }

    private HttpClient client(Path p12) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(f.rootPem())) {
            trust.setCertificateEntry("root", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManagerFactory kmf = null;
        if (p12 != null) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(p12)) {
                keys.load(in, P12_PASSWORD.toCharArray());
            }
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, P12_PASSWORD.toCharArray());
        }
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(10)).build();
    }

    private static HttpResponse<String> get(HttpClient c, String url) throws Exception {
        return c.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void withoutAClientCertificateTheConnectionIsRefused() throws Exception {
        HttpClient anonymous = client(null);
        assertThatThrownBy(() -> get(anonymous, base + "/broadcasts")).isInstanceOf(IOException.class);
    }

    @Test
    void aRevokedCertificateIsRefusedWithTheReason() throws Exception {
        String serial = issue("revoked.p12");
        CliResult revoke = server.cli(null, "ca", "revoke", "--serial", serial);
        assertThat(revoke.exitCode()).as(revoke.err()).isZero();
        HttpResponse<String> r = get(client(tmp.resolve("revoked.p12")), base + "/broadcasts");
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.body()).contains("is not good at the city CA");
    }

    @Test
    void anAgencyCertificateCreatesAndFollowsAPersonalisedBroadcast() throws Exception {
        issue("good.p12");
        HttpClient c = client(tmp.resolve("good.p12"));
        String body = "{\"kind\":\"social-insurance-statement\",\"template\":\"Subject: 社保对账单\\n\\n{{name}} 余额 {{balance}} 元\\n\","
            + "\"csv\":\"address,name,balance\\napi1@" + CITIZENS + ",赵六,3210.50\\n\"}";
        HttpResponse<String> created = c.send(HttpRequest.newBuilder(URI.create(base + "/broadcasts"))
            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String location = created.headers().firstValue("Location").orElseThrow();
        await().atMost(Duration.ofSeconds(60)).until(() -> get(c, base + location).body().contains("\"state\":\"finished\""));
        assertThat(get(c, base + location).body()).contains("\"delivered\":1").contains("\"failed\":0");
        assertThat(get(c, base + location + "/report").body()).contains("api1@" + CITIZENS + ",2,delivered,");
        List<byte[]> statements = f.folder("api1@" + CITIZENS, "社保");
        assertThat(statements).hasSize(1);
        assertThat(BroadcastFixture.text(statements.get(0))).contains("赵六 余额 3210.50 元");
        f.opensslVerify(statements.get(0), "api-statement");

        HttpResponse<String> bad = c.send(HttpRequest.newBuilder(URI.create(base + "/broadcasts"))
            .POST(HttpRequest.BodyPublishers.ofString("{\"kind\":\"utility-bill\",\"template\":\"Subject: x\\n\\n{{y}}\\n\",\"csv\":\"address\\nnobody@x\\n\"}"))
            .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("csv row 2: no account 'nobody@x' (unknown recipient)");
    }
}

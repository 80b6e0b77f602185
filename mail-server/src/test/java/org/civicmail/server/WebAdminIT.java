package org.civicmail.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.civicmail.testkit.CivicMailExtension;
import org.civicmail.testkit.ForkedServer;
import org.civicmail.testkit.ListeningSockets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** James WebAdmin switched on: loopback only, nothing without a token signed by the configured key, no CORS. */
class WebAdminIT {
    static final String OFFICIAL_USER = "/users/civicmail-admin@gov.hangzhou.example?force";
    static final String EVIL_ORIGIN = "http://evil.example";

    @TempDir
    static Path tmp;
    static CivicMailExtension server;
    static KeyPair operatorKey;

    @BeforeAll
    static void start() throws Exception {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        operatorKey = rsa.generateKeyPair();
        Path publicKey = tmp.resolve("webadmin-jwt.pub");
        Files.writeString(publicKey, "-----BEGIN PUBLIC KEY-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(operatorKey.getPublic().getEncoded())
            + "\n-----END PUBLIC KEY-----\n");
        server = CivicMailExtension.started(WebAdminIT.class, Map.of("civicmail.webadmin.enabled", "true",
            "civicmail.webadmin.jwt-public-key", publicKey.toString()), ForkedServer.CONF);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    record Answer(int status, String headers) {
    }

    /** curl as the independent client: status code and response headers. */
    private static Answer curl(String method, String path, String... headers) throws Exception {
        List<String> command = new ArrayList<>(List.of("curl", "-s", "-D", "-", "-o", "/dev/null", "--max-time", "10", "-X", method));
        for (String h : headers) {
            command.addAll(List.of("-H", h));
        }
        if (method.equals("PUT")) {
            command.addAll(List.of("-H", "Content-Type: application/json", "-d", "{\"password\":\"taken-over\"}"));
        }
        command.add("http://127.0.0.1:" + server.port("webadmin") + path);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("curl exit code; output: " + out).isZero();
        return new Answer(Integer.parseInt(out.lines().findFirst().orElseThrow().split(" ")[1]), out);
    }

    private static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String token(PrivateKey key, String claims) throws Exception {
        String signingInput = b64("{\"alg\":\"RS256\",\"typ\":\"JWT\"}") + "." + b64(claims);
        Signature rs256 = Signature.getInstance("SHA256withRSA");
        rs256.initSign(key);
        rs256.update(signingInput.getBytes(StandardCharsets.US_ASCII));
        return signingInput + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(rs256.sign());
    }

    private static String adminClaims() {
        return "{\"sub\":\"operator@gov.hangzhou.example\",\"admin\":true,\"exp\":" + Instant.now().plusSeconds(600).getEpochSecond() + "}";
    }

    @Test
    void listensOnLoopbackOnly() throws Exception {
        // The server runs in this JVM: its sockets are this process's.
        assertThat(ListeningSockets.of(ProcessHandle.current().pid())).filteredOn(a -> a.getPort() == server.port("webadmin"))
            .extracting(InetSocketAddress::getAddress).singleElement().matches(a -> a.isLoopbackAddress(), "loopback");
    }

    // Attack: reset the webmail master user's password with no credentials at all (the original finding).
    @Test
    void noTokenIsRefused() throws Exception {
        assertThat(curl("PUT", OFFICIAL_USER).status()).isEqualTo(401);
        assertThat(curl("GET", "/domains").status()).isEqualTo(401);
    }

    // Attack: forge a token: signed by another key, unsigned ("alg":"none"), expired, or without the admin claim.
    @Test
    void forgedExpiredOrNonAdminTokensAreRefused() throws Exception {
        PrivateKey attackerKey = KeyPairGenerator.getInstance("RSA").generateKeyPair().getPrivate();
        assertThat(curl("PUT", OFFICIAL_USER, "Authorization: Bearer " + token(attackerKey, adminClaims())).status()).isEqualTo(401);
        String unsigned = b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + b64(adminClaims()) + ".";
        assertThat(curl("PUT", OFFICIAL_USER, "Authorization: Bearer " + unsigned).status()).isEqualTo(401);
        String expired = token(operatorKey.getPrivate(), "{\"sub\":\"operator\",\"admin\":true,\"exp\":"
            + Instant.now().minusSeconds(60).getEpochSecond() + "}");
        assertThat(curl("PUT", OFFICIAL_USER, "Authorization: Bearer " + expired).status()).isEqualTo(401);
        String notAdmin = token(operatorKey.getPrivate(), "{\"sub\":\"operator\",\"admin\":false}");
        assertThat(curl("PUT", OFFICIAL_USER, "Authorization: Bearer " + notAdmin).status()).isEqualTo(401);
    }

    @Test
    void theOperatorsTokenIsAccepted() throws Exception {
        // The control for the refusals above: the same request shape with a good token gets through.
        assertThat(curl("GET", "/domains", "Authorization: Bearer " + token(operatorKey.getPrivate(), adminClaims())).status())
            .isEqualTo(200);
    }

    // Attack: a web page of another origin, open in a browser on this host, calling WebAdmin (CSRF through CORS).
    @Test
    void anotherOriginGetsNoCorsPermission() throws Exception {
        Answer preflight = curl("OPTIONS", OFFICIAL_USER, "Origin: " + EVIL_ORIGIN, "Access-Control-Request-Method: PUT",
            "Access-Control-Request-Headers: authorization,content-type");
        assertThat(allowedOrigins(preflight)).as("origins the preflight allows").doesNotContain("*", EVIL_ORIGIN);
        Answer read = curl("GET", "/domains", "Origin: " + EVIL_ORIGIN, "Authorization: Bearer " + token(operatorKey.getPrivate(), adminClaims()));
        assertThat(read.status()).isEqualTo(200);
        assertThat(allowedOrigins(read)).as("a browser may not hand the answer to the other origin").doesNotContain("*", EVIL_ORIGIN);
    }

    /** A browser lets an origin read a response (or pass a preflight) only if this header is "*" or that origin. */
    private static List<String> allowedOrigins(Answer answer) {
        return answer.headers().lines().filter(l -> l.toLowerCase().startsWith("access-control-allow-origin:"))
            .map(l -> l.substring(l.indexOf(':') + 1).trim()).toList();
    }
}

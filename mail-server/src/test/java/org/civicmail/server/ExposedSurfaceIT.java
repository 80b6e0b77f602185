package org.civicmail.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.civicmail.testkit.ForkedServer;
import org.civicmail.testkit.ListeningSockets;
import org.civicmail.testkit.Openssl;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a local attacker finds when scanning the running server: exactly the ports it printed, all on loopback,
 * no WebAdmin, no message broker, and TLS 1.2+ with AEAD suites only on every TLS listener.
 */
class ExposedSurfaceIT {
    @TempDir
    static Path tmp;
    static ForkedServer server;
    static int webadminPort;

    @BeforeAll
    static void start() throws Exception {
        // A concrete WebAdmin port, so that "nothing listens there" is checked on the port it would use.
        try (ServerSocket free = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            webadminPort = free.getLocalPort();
        }
        server = ForkedServer.start(ForkedServer.tempData(tmp),
            Map.of("civicmail.webadmin.port", String.valueOf(webadminPort), "civicmail.broadcast.port", "0"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    /** The "NAME HOST:PORT" lines printed after "CivicMail ready". */
    private static Map<String, InetSocketAddress> printed() {
        Map<String, InetSocketAddress> printed = new HashMap<>();
        boolean ready = false;
        for (String line : server.output()) {
            if (line.startsWith("CivicMail ready")) {
                ready = true;
            } else if (ready && line.matches("[a-z-]+ [0-9.]+:\\d+")) {
                String hostPort = line.substring(line.indexOf(' ') + 1);
                printed.put(line.substring(0, line.indexOf(' ')), new InetSocketAddress(
                    hostPort.substring(0, hostPort.lastIndexOf(':')), Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1))));
            }
        }
        return printed;
    }

    // Attack: find an unlisted port of the server process (the embedded broker's OpenWire port, an admin console).
    @Test
    void theProcessListensOnExactlyThePortsItPrintedAllOnLoopback() throws Exception {
        Map<String, InetSocketAddress> printed = printed();
        assertThat(printed.keySet()).contains("smtp", "submission", "imap", "imaps", "ca-http", "broadcast-api", "admin")
            .doesNotContain("webadmin");
        Set<InetSocketAddress> listening = ListeningSockets.of(server.pid());
        assertThat(listening.stream().map(InetSocketAddress::getPort).collect(Collectors.toSet()))
            .as("ports the kernel says the server process listens on")
            .isEqualTo(printed.values().stream().map(InetSocketAddress::getPort).collect(Collectors.toSet()));
        assertThat(listening).allSatisfy(a -> assertThat(a.getAddress().isLoopbackAddress())
            .as(a + " is loopback (IPv4-mapped 127.0.0.1 counts)").isTrue());
    }

    // Attack: an OpenWire client (no credentials) browsing or injecting spool messages on the broker's port.
    @Test
    void noListenerSpeaksOpenWire() throws Exception {
        for (InetSocketAddress address : ListeningSockets.of(server.pid())) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", address.getPort()), 2000);
                s.setSoTimeout(1500);
                byte[] greeting = new byte[64];
                int n = 0;
                try {
                    InputStream in = s.getInputStream();
                    n = Math.max(0, in.read(greeting));
                } catch (SocketTimeoutException silent) {
                    // HTTP and TLS listeners wait for the client: not a broker either.
                }
                // An ActiveMQ broker opens every connection with its WireFormatInfo, which carries the magic "ActiveMQ".
                assertThat(new String(greeting, 0, n, StandardCharsets.ISO_8859_1)).as("greeting on port " + address.getPort())
                    .doesNotContain("ActiveMQ");
            }
        }
    }

    // Attack: reset an official's password (or the webmail's master user) through James WebAdmin without a token.
    @Test
    void webAdminIsOffByDefault() throws Exception {
        Process curl = new ProcessBuilder("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "10",
            "-XPUT", "-H", "Content-Type: application/json", "-d", "{\"password\":\"taken-over\"}",
            "http://127.0.0.1:" + webadminPort + "/users/civicmail-admin@gov.hangzhou.example?force").redirectErrorStream(true).start();
        String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(curl.waitFor(20, TimeUnit.SECONDS)).isTrue();
        // curl exit 7: "Failed to connect to host" (connection refused); http_code 000: no HTTP answer at all.
        assertThat(curl.exitValue()).as("curl exit code (output %s)", out).isEqualTo(7);
        assertThat(out).isEqualTo("000");
    }

    record TlsListener(String name, String... starttls) {
    }

    private static List<TlsListener> tlsListeners() {
        return List.of(new TlsListener("smtp", "-starttls", "smtp"), new TlsListener("submission", "-starttls", "smtp"),
            new TlsListener("imap", "-starttls", "imap"), new TlsListener("imaps"), new TlsListener("broadcast-api"));
    }

    private static Openssl.Result handshake(TlsListener listener, String... options) throws Exception {
        List<String> args = new ArrayList<>(List.of("s_client", "-connect", "127.0.0.1:" + server.port(listener.name())));
        args.addAll(List.of(listener.starttls()));
        args.addAll(List.of(options));
        return Openssl.run(args.toArray(String[]::new));
    }

    private static String negotiated(Openssl.Result r) {
        return r.output().lines().filter(l -> l.contains(", Cipher is ")).findFirst().orElse("no handshake line:\n" + r.output());
    }

    // Attack: downgrade to TLS 1.1, or to a CBC suite (padding-oracle / Lucky 13 class), on any TLS listener.
    @Test
    void everyTlsListenerRefusesTls11AndCbcAndNegotiatesAead() throws Exception {
        for (TlsListener listener : tlsListeners()) {
            // @SECLEVEL=0: without it OpenSSL 3 itself would not offer TLS 1.1 and the test could not fail.
            assertThat(negotiated(handshake(listener, "-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0")))
                .as(listener.name() + " with TLS 1.1").contains("Cipher is (NONE)");
            assertThat(negotiated(handshake(listener, "-tls1_2", "-cipher",
                "ECDHE-ECDSA-AES256-SHA384:ECDHE-ECDSA-AES128-SHA256:ECDHE-ECDSA-AES256-SHA:ECDHE-RSA-AES256-SHA384:ECDHE-RSA-AES128-SHA256:AES256-SHA256")))
                .as(listener.name() + " with CBC suites only").contains("Cipher is (NONE)");
            // The control: the same client with default settings gets an AEAD suite on TLS 1.2 and on TLS 1.3.
            assertThat(negotiated(handshake(listener, "-tls1_2"))).as(listener.name() + " TLS 1.2")
                .containsPattern("TLSv1.2, Cipher is ECDHE-(ECDSA|RSA)-(AES(128|256)-GCM-SHA(256|384)|CHACHA20-POLY1305)");
            assertThat(negotiated(handshake(listener, "-tls1_3"))).as(listener.name() + " TLS 1.3")
                .containsPattern("TLSv1.3, Cipher is TLS_(AES_(128|256)_GCM_SHA(256|384)|CHACHA20_POLY1305_SHA256)");
        }
    }
}

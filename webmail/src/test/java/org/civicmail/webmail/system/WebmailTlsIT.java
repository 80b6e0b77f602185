package org.civicmail.webmail.system;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.civicmail.webmail.testkit.SharedDemoSystem;
import org.civicmail.webmail.testkit.WholeSystem;
import org.junit.jupiter.api.Test;

/**
 * The webmail as `civicmail start` runs it offers TLS 1.2+ with AEAD suites only (the server's TlsPolicy). Handshakes
 * change nothing, so it runs on the JVM's {@link SharedDemoSystem}.
 */
class WebmailTlsIT {
    /** openssl's "New, PROTOCOL, Cipher is SUITE" line: the suite the webmail agreed to, or (NONE). */
    private static String negotiated(int port, String... options) throws Exception {
        List<String> command = new ArrayList<>(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port));
        command.addAll(List.of(options));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "openssl finished");
        return out.lines().filter(l -> l.contains(", Cipher is ")).findFirst().orElse("no handshake line:\n" + out);
    }

    private static void assertMatches(String regex, String actual) {
        assertTrue(java.util.regex.Pattern.compile(regex).matcher(actual).find(), () -> "expected /" + regex + "/ in: " + actual);
    }

    // Attack: downgrade a citizen's browser session to TLS 1.1 or to a CBC suite (padding-oracle class).
    @Test
    void webmailRefusesTls11AndCbcSuites() throws Exception {
        WholeSystem system = SharedDemoSystem.get();
        int port = system.port("webmail");
        // @SECLEVEL=0: without it OpenSSL 3 itself would not offer TLS 1.1 and the test could not fail.
        assertMatches("Cipher is \\(NONE\\)", negotiated(port, "-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0"));
        assertMatches("Cipher is \\(NONE\\)", negotiated(port, "-tls1_2", "-cipher",
            "ECDHE-ECDSA-AES256-SHA384:ECDHE-ECDSA-AES128-SHA256:ECDHE-ECDSA-AES256-SHA:ECDHE-RSA-AES256-SHA384:ECDHE-RSA-AES128-SHA256"));
        // The control: a default client gets an AEAD suite on TLS 1.2 and 1.3.
        assertMatches("TLSv1.2, Cipher is ECDHE-(ECDSA|RSA)-(AES(128|256)-GCM-SHA(256|384)|CHACHA20-POLY1305)",
            negotiated(port, "-tls1_2"));
        assertMatches("TLSv1.3, Cipher is TLS_(AES_(128|256)_GCM_SHA(256|384)|CHACHA20_POLY1305_SHA256)",
            negotiated(port, "-tls1_3"));
    }
}

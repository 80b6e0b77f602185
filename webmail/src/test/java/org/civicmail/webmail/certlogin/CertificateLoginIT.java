package org.civicmail.webmail.certlogin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import jakarta.mail.MessagingException;
import jakarta.mail.Store;
import org.civicmail.webmail.imap.ImapConnector;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.civicmail.webmail.config.WebmailConfig;
import org.civicmail.verdict.revocation.RevocationSource;
import org.civicmail.verdict.revocation.RevocationStatus;
import org.civicmail.webmail.testkit.Mails;
import org.civicmail.webmail.testkit.TestPki;
import org.civicmail.webmail.testkit.WebClient;
import org.civicmail.webmail.testkit.WebmailFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** HTTPS with optional client certificates: the certificate's e-mail picks the account; bad certificates are refused. */
class CertificateLoginIT {

    static final char[] PW = "changeit".toCharArray();
    static TestPki pki;
    static WebmailFixture fx;
    static TestPki.Entity citizen;
    static TestPki.Entity revoked;
    static TestPki.Entity expired;
    static TestPki.Entity foreign;
    static final List<String> impersonated = new java.util.concurrent.CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        pki = TestPki.create("Cert City");
        citizen = pki.person("zhao.li@city.test", "赵丽", null);
        revoked = pki.person("lost.card@city.test", "Lost Card", null);
        Instant now = Instant.now();
        expired = pki.person("old@city.test", "Old", null, now.minus(Duration.ofDays(400)), now.minus(Duration.ofDays(1)), true);
        // Same CA names as ours, different keys: a look-alike CA must not be trusted.
        foreign = TestPki.create("Cert City").person("zhao.li@city.test", "赵丽", null);
        Path dir = java.nio.file.Files.createTempDirectory("certlogin");
        Path keystore = dir.resolve("server.p12");
        TestPki.writePkcs12(pki.server(), keystore, PW);
        RevocationSource revocation = (cert, issuer) -> cert.getSerialNumber().equals(revoked.cert().getSerialNumber())
                ? RevocationStatus.revoked(Instant.parse("2026-04-02T01:00:00Z"), "keyCompromise")
                : RevocationStatus.good();
        fx = new WebmailFixture(pki, revocation, Map.of(
                WebmailConfig.HTTPS_KEYSTORE, keystore.toString(),
                "env:WEBMAIL_KEYSTORE_PASSWORD", new String(PW),
                WebmailConfig.HTTPS_CLIENT_AUTH, "true",
                WebmailConfig.REVOCATION_CHECK, "true",
                WebmailConfig.MASTER_USER, "master@city.test",
                "env:WEBMAIL_MASTER_PASSWORD", "master-pw"), config -> new ImapConnector(config, null) {
                    // GreenMail cannot do SASL PLAIN with an authorization id, so stand in for the server's
                    // impersonation (James: admin user + authzid) unless the test asks for the real path.
                    @Override
                    public Store connectAs(String user) throws MessagingException {
                        if (realPath.get()) {
                            return super.connectAs(user);
                        }
                        impersonated.add(user);
                        return connect(user, PASSWORDS.get(user));
                    }
                });
        fx.user("master@city.test", "master-pw");
        fx.user("zhao.li@city.test", "zhao-pw");
        fx.append("zhao.li@city.test", "zhao-pw", "INBOX", false,
                Mails.text("friend@city.test", "zhao.li@city.test", "Only in Zhao's mailbox", "hi"));
    }

    @AfterAll
    static void stop() {
        fx.close();
    }

    static final Map<String, String> PASSWORDS = Map.of("zhao.li@city.test", "zhao-pw");
    static final java.util.concurrent.atomic.AtomicBoolean realPath = new java.util.concurrent.atomic.AtomicBoolean();

    private static WebClient client(TestPki.Entity identity) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("root", pki.root);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        if (identity != null) {
            ks.setKeyEntry("me", identity.key().getPrivate(), PW, identity.chain().toArray(new java.security.cert.X509Certificate[0]));
        }
        kmf.init(ks, PW);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return new WebClient("https://localhost:" + fx.port, HttpClient.newBuilder().sslContext(ctx)
                .followRedirects(HttpClient.Redirect.NEVER).build());
    }

    @Test
    void loginPageOffersCertificateLoginOverHttps() throws Exception {
        HttpResponse<String> r = client(null).get("/login");
        assertEquals(200, r.statusCode());
        assertTrue(r.body().contains("id=\"cert-login\""));
        assertTrue(r.headers().firstValue("Strict-Transport-Security").isPresent());
    }

    @Test
    void validCertificateOpensTheCertificatesMailbox() throws Exception {
        WebClient c = client(citizen);
        HttpResponse<String> r = c.get("/login/cert");
        assertEquals(303, r.statusCode(), r.body());
        String inbox = c.follow(r).body();
        assertTrue(inbox.contains("<span class=\"user\">zhao.li@city.test</span>"), inbox);
        assertTrue(inbox.contains("Only in Zhao&#39;s mailbox") || inbox.contains("Only in Zhao's mailbox"), inbox);
        assertEquals(List.of("zhao.li@city.test"), impersonated, "the certificate's address picked the account");
    }

    @Test
    void serverWithoutSaslPlainNeverOpensTheMasterMailbox() throws Exception {
        // GreenMail offers no AUTH=PLAIN: the real connector must refuse rather than LOGIN as the master user.
        realPath.set(true);
        HttpResponse<String> r;
        try {
            r = client(citizen).get("/login/cert");
        } finally {
            realPath.set(false);
        }
        assertEquals(403, r.statusCode());
        assertTrue(r.body().contains("无法打开与证书邮箱对应的邮箱： zhao.li@city.test"), r.body());
    }

    @Test
    void revokedCertificateIsRefusedWithClearPage() throws Exception {
        HttpResponse<String> r = client(revoked).get("/login/cert");
        assertEquals(403, r.statusCode());
        assertTrue(r.body().contains("<p class=\"alert\" role=\"alert\" id=\"error-message\">您的证书已被吊销，不能用于登录。 (2026-04-02)</p>"),
                r.body());
    }

    @Test
    void expiredCertificateIsRefused() throws Exception {
        HttpResponse<String> r = client(expired).get("/login/cert");
        assertEquals(403, r.statusCode());
        assertTrue(r.body().contains("您的证书已过期或尚未生效。"), r.body());
    }

    @Test
    void lookAlikeCaIsRefused() throws Exception {
        HttpResponse<String> r = client(foreign).get("/login/cert");
        assertEquals(403, r.statusCode());
        assertTrue(r.body().contains("您的证书不是本市证书机构签发的。"), r.body());
    }

    @Test
    void noCertificateGetsExplanation() throws Exception {
        HttpResponse<String> r = client(null).get("/login/cert");
        assertEquals(401, r.statusCode());
        assertTrue(r.body().contains("浏览器没有提供数字证书。"), r.body());
    }
}

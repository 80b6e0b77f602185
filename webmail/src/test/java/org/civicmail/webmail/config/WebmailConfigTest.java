package org.civicmail.webmail.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.civicmail.webmail.i18n.Lang;
import org.junit.jupiter.api.Test;

class WebmailConfigTest {

    private static Properties props(String... kv) {
        Properties p = new Properties();
        p.setProperty(WebmailConfig.IMAP_HOST, "mail.city.test");
        for (int i = 0; i < kv.length; i += 2) {
            p.setProperty(kv[i], kv[i + 1]);
        }
        return p;
    }

    private static String error(Properties p) {
        return assertThrows(IllegalArgumentException.class, () -> WebmailConfig.from(p, Map.of(), Path.of("/etc/civicmail")))
                .getMessage();
    }

    @Test
    void defaults() {
        WebmailConfig c = WebmailConfig.from(props(), Map.of(), Path.of("/etc/civicmail"));
        assertEquals("127.0.0.1", c.httpHost());
        assertEquals(8080, c.httpPort());
        assertEquals(WebmailConfig.TlsMode.STARTTLS, c.imapTls());
        assertEquals(143, c.imapPort());
        assertEquals("mail.city.test", c.submissionHost());
        assertEquals(587, c.submissionPort());
        assertEquals(Lang.ZH, c.defaultLang());
        assertEquals(25, c.pageSize());
        assertFalse(c.https());
        assertFalse(c.certificateLogin());
    }

    @Test
    void errorsNameTheKeyAndTheFix() {
        assertEquals("missing required key webmail.imap.host", error(new Properties()));
        assertEquals("webmail.imap.tls=ssl: use none, starttls or tls", error(props(WebmailConfig.IMAP_TLS, "ssl")));
        assertEquals("webmail.http.port=70000: use 0..65535 (0 = any free port)", error(props(WebmailConfig.HTTP_PORT, "70000")));
        assertEquals("webmail.https.client-auth=true needs HTTPS: set webmail.https.keystore",
                error(props(WebmailConfig.HTTPS_CLIENT_AUTH, "true")));
        assertEquals("webmail.imap.master-user is set but environment variable WEBMAIL_MASTER_PASSWORD (named by "
                + "webmail.imap.master-password-env) is not; export the master user's password",
                error(props(WebmailConfig.MASTER_USER, "admin@city.test")));
        assertEquals("webmail.https.keystore is set but environment variable WEBMAIL_KEYSTORE_PASSWORD (named by "
                + "webmail.https.keystore.password-env) is not; export the keystore password",
                error(props(WebmailConfig.HTTPS_KEYSTORE, "tls.p12")));
        assertEquals("webmail.trust-anchor=/etc/civicmail/root.pem: file not readable",
                error(props(WebmailConfig.TRUST_ANCHOR, "root.pem")));
        assertEquals("webmail.smime.foreign-anchors=/etc/civicmail/province-root.pem: file not readable",
                error(props(WebmailConfig.SMIME_FOREIGN_ANCHORS, "province-root.pem")));
        assertEquals("webmail.revocation.check=yes: use true or false", error(props(WebmailConfig.REVOCATION_CHECK, "yes")));
        assertEquals("webmail.zone=Mars/Base: not a time zone id such as Asia/Shanghai", error(props(WebmailConfig.ZONE, "Mars/Base")));
    }

    @Test
    void implicitTlsDefaultsTo993() {
        assertEquals(993, WebmailConfig.from(props(WebmailConfig.IMAP_TLS, "tls"), Map.of(), null).imapPort());
    }
}

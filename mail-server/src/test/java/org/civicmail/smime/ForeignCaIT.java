package org.civicmail.smime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Date;
import java.util.Map;
import java.util.Optional;

import javax.mail.Folder;
import javax.mail.Message;
import javax.mail.Session;
import javax.mail.Store;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeMessage;

import org.apache.derby.jdbc.EmbeddedDataSource;
import org.civicmail.ca.CaConfig;
import org.civicmail.ca.CertificateAuthority;
import org.civicmail.ca.IssuedCredential;
import org.civicmail.ca.PassphraseSource;
import org.civicmail.ca.Pem;
import org.civicmail.ca.RevocationReason;
import org.civicmail.ca.Subject;
import org.civicmail.ca.http.CaHttpServer;
import org.civicmail.testkit.CivicMailExtension;
import org.civicmail.testkit.ForkedServer;
import org.civicmail.testkit.MailClient;
import org.civicmail.testkit.RunningServer;
import org.civicmail.testkit.SmtpDialog;
import org.civicmail.testkit.TestIds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mail signed under another CA (here: a provincial CA running in the test, with its own CRL endpoint) is
 * trusted once its root is configured, and its revocation is read from that CA's CRL.
 */
class ForeignCaIT {
    static final String PROVINCE_SENDER = "notice@province.example";
    static final String CITIZEN = "lu.xin@citizen.hangzhou.example";
    static final String PASSWORD = "foreign-ca-pw-1";

    @TempDir
    Path tmp;

    @Test
    void aForeignSignatureIsValidWhileItsCrlSaysGoodAndRevokedAfter() throws Exception {
        EmbeddedDataSource derby = new EmbeddedDataSource();
        derby.setDatabaseName(tmp.resolve("province-db").toString());
        derby.setCreateDatabase("create");
        try (CaHttpServer http = CaHttpServer.bind(new InetSocketAddress("127.0.0.1", 0));
             CertificateAuthority province = CertificateAuthority.open(
                 CaConfig.of(derby, tmp.resolve("province-ca"), http.baseUrl()).withPassphrase(PassphraseSource.of("province-ca-passphrase".toCharArray())),
                 address -> address.equals(PROVINCE_SENDER) ? Optional.of(Subject.citizen(PROVINCE_SENDER, "Province Notices")) : Optional.empty())) {
            http.serve(province);
            Path conf = Files.createDirectories(tmp.resolve("conf"));
            copyConf(conf);
            Files.writeString(conf.resolve("province-root.pem"), Pem.certificates(province.trustAnchor()));

            IssuedCredential sender = province.issueForAccount(PROVINCE_SENDER);
            SigningCredential credential = new SigningCredential(PROVINCE_SENDER, sender.privateKey(), sender.fullChain());
            try (CivicMailExtension server = CivicMailExtension.started(getClass(), Map.of("civicmail.smime.trust-anchors", "province-root.pem",
                    "civicmail.smime.crl-max-age-seconds", "0"),
                    conf)) {
                assertThat(server.cli(PASSWORD, "account", "add", "--class", "citizen", "--address", CITIZEN, "--name", "陆欣",
                    "--id-number", TestIds.residentId("33010619770707009"), "--password-stdin").exitCode()).isZero();
                MailClient client = new MailClient(server);

                deliver(server, signed(credential, "province notice 1"));
                assertThat(verdict(client, "province notice 1"))
                    .matches("valid; signer=\"" + PROVINCE_SENDER + "\"; serial=[0-9a-f]+; signed-at=[^;]+");

                province.revoke(sender.serial(), RevocationReason.keyCompromise);
                deliver(server, signed(credential, "province notice 2"));
                assertThat(verdict(client, "province notice 2"))
                    .startsWith("invalid; reason=revoked; signer=\"" + PROVINCE_SENDER + "\"")
                    .contains("revoked-at=");
            }
        }
    }

    private void copyConf(Path conf) throws Exception {
        Files.copy(ForkedServer.CONF.resolve("civicmail.properties"), conf.resolve("civicmail.properties"));
        Path james = Files.createDirectories(conf.resolve("james"));
        try (var files = Files.list(ForkedServer.CONF.resolve("james"))) {
            for (Path f : files.toList()) {
                Files.copy(f, james.resolve(f.getFileName()));
            }
        }
    }

    private static MimeMessage signed(SigningCredential credential, String subject) throws Exception {
        MimeMessage m = new MimeMessage(Session.getInstance(new java.util.Properties()));
        m.setFrom(new InternetAddress(PROVINCE_SENDER));
        m.setRecipient(Message.RecipientType.TO, new InternetAddress(CITIZEN));
        m.setSubject(subject);
        m.setSentDate(new Date());
        m.setText("Provincial notice", "UTF-8");
        m.saveChanges();
        return new SmimeSigner().sign(m, credential);
    }

    private static void deliver(RunningServer server, MimeMessage message) throws Exception {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        message.writeTo(raw);
        try (SmtpDialog smtp = new SmtpDialog(server.port("smtp"))) {
            smtp.send("EHLO province.example");
            assertThat(smtp.send("MAIL FROM:<" + PROVINCE_SENDER + ">")).startsWith("250");
            assertThat(smtp.send("RCPT TO:<" + CITIZEN + ">")).startsWith("250");
            assertThat(smtp.data(raw.toString(StandardCharsets.ISO_8859_1))).startsWith("250");
        }
    }

    private static String verdict(MailClient client, String subject) throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> client.inboxSubjects(CITIZEN, PASSWORD).contains(subject));
        try (Store store = client.imap(CITIZEN, PASSWORD)) {
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            for (Message m : inbox.getMessages()) {
                if (subject.equals(m.getSubject())) {
                    return m.getHeader("X-CivicMail-Signature")[0];
                }
            }
        }
        throw new AssertionError("no message " + subject);
    }
}

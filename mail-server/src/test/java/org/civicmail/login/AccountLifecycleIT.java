package org.civicmail.login;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.mail.Folder;
import javax.mail.Message;
import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.Store;
import javax.mail.Transport;
import javax.mail.internet.MimeMessage;
import javax.net.ssl.SSLSocketFactory;

import org.civicmail.testkit.CivicMailExtension;
import org.civicmail.testkit.ForkedServer;
import org.civicmail.testkit.ForkedServer.CliResult;
import org.civicmail.testkit.MailClient;
import org.civicmail.testkit.TestIds;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Account disable/enable against the real server, and acting for a user with the webmail's master credential
 * (what the webmail does after a certificate login) — which nobody else can do.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AccountLifecycleIT {
    static final String OFFICIAL = "zhou.lei@gov.hangzhou.example";
    static final String CITIZEN = "he.ping@citizen.hangzhou.example";
    static final String MASTER = "civicmail-admin@gov.hangzhou.example";
    static final String PASSWORD = "correct horse 1";
    static final Pattern SERIAL = Pattern.compile("^  ([0-9A-F]+)  (good|revoked[^\\n]*)  expires (\\S+)", Pattern.MULTILINE);

    @RegisterExtension
    static final CivicMailExtension server = new CivicMailExtension();
    MailClient client;
    SSLSocketFactory tls;
    String masterPassword;

    @BeforeAll
    void startServer() throws Exception {
        client = new MailClient(server);
        tls = MailClient.trusting(server.data());
        masterPassword = Files.readString(server.data().resolve("keys/webmail-master.secret"), StandardCharsets.US_ASCII).trim();
        cli(PASSWORD + "\n", "account", "add", "--class", "official", "--address", OFFICIAL, "--name", "周磊",
            "--agency", "杭州市民政局", "--employee-no", "MZ-0077", "--password-stdin");
        cli(PASSWORD + "\n", "account", "add", "--class", "citizen", "--address", CITIZEN, "--name", "何平",
            "--id-number", TestIds.residentId("11010519491231002"), "--password-stdin");
    }

    private String cli(String stdin, String... args) throws Exception {
        CliResult r = server.cli(stdin, args);
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        return r.out();
    }

    @Test
    @Order(1)
    void theMasterCredentialSendsAsTheUserAndTheMailIsSignedAsTheUser() throws Exception {
        String show = cli("", "account", "show", OFFICIAL);
        Matcher m = SERIAL.matcher(show);
        assertThat(m.find()).as(show).isTrue();
        assertThat(m.group(2)).isEqualTo("good");
        String serial = m.group(1);
        // What the webmail does for a certificate-login user: AUTH as USER*MASTER with the master's password.
        sendAs("civicmail-admin*" + OFFICIAL, masterPassword, OFFICIAL, CITIZEN, "代发测试 1");
        String verdict = header(fetchRaw(CITIZEN, "代发测试 1"), "X-CivicMail-Signature");
        assertThat(verdict).startsWith("valid; signer=\"" + OFFICIAL + "\"; serial=");
        assertThat(serialOf(verdict)).isEqualTo(new java.math.BigInteger(serial, 16));
        // IMAP: AUTHENTICATE PLAIN with the user as authorization id opens the user's own mailbox.
        try (Store s = imapAs(OFFICIAL, MASTER, masterPassword)) {
            assertThat(s.getFolder("INBOX").exists()).isTrue();
        }
    }

    @Test
    @Order(2)
    void nobodyButTheMasterCanActForAnotherAccount() {
        // Attack: a citizen names an official in the master form, with her own password.
        assertThat(MailClient.refusal(() -> sendAs("civicmail-admin*" + OFFICIAL, PASSWORD, OFFICIAL, CITIZEN, "x")))
            .contains("535 5.7.8 Authentication failed");
        // Attack: the same with her own name as the acting account.
        assertThat(MailClient.refusal(() -> sendAs("he.ping*" + OFFICIAL, PASSWORD, OFFICIAL, CITIZEN, "x")))
            .contains("535 5.7.8 Authentication failed");
        // Attack: SASL authorization id over IMAP with the citizen's own credentials.
        assertThatThrownBy(() -> imapAs(OFFICIAL, CITIZEN, PASSWORD)).isInstanceOf(MessagingException.class);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(server.output()).anyMatch(l -> l.contains("login refused: protocol=imap account=" + CITIZEN
            + " acting-for=" + OFFICIAL) && l.contains("only the webmail's master user may act for another account")));
    }

    @Test
    @Order(3)
    void disableRevokesEveryCertificateEndsSessionsAndRefusesEveryLogin() throws Exception {
        Store open = client.imap(OFFICIAL, PASSWORD);
        Folder inbox = open.getFolder("INBOX");
        inbox.open(Folder.READ_ONLY);
        String before = cli("", "account", "show", OFFICIAL);

        String out = cli("", "account", "disable", OFFICIAL);
        Matcher m = SERIAL.matcher(before);
        assertThat(m.find()).isTrue();
        assertThat(out).contains("disabled " + OFFICIAL, "revoked certificate " + m.group(1) + " (cessationOfOperation)",
            "ended 1 IMAP session(s)");

        String show = cli("", "account", "show", OFFICIAL);
        assertThat(show).contains("status:        disabled");
        Matcher after = SERIAL.matcher(show);
        assertThat(after.find()).isTrue();
        assertThat(after.group(2)).startsWith("revoked").contains("(cessationOfOperation)");
        // The session opened before is over: the server answers it nothing but LOGOUT.
        assertThatThrownBy(() -> {
            inbox.getMessageCount();
            inbox.getMessages();
            open.getFolder("Sent").exists();
        }).isInstanceOf(MessagingException.class);
        // Every door refuses the right password.
        assertThat(MailClient.refusal(() -> client.send(OFFICIAL, PASSWORD, client.message(OFFICIAL, CITIZEN, "x", "y"))))
            .contains("535 5.7.8 Account " + OFFICIAL + " is disabled");
        assertThatThrownBy(() -> client.imap(OFFICIAL, PASSWORD)).hasMessageContaining("[XDISABLED]");
        // The webmail's certificate login (master acting for the account) is refused too, over IMAP and SMTP.
        assertThatThrownBy(() -> imapAs(OFFICIAL, MASTER, masterPassword)).hasMessageContaining("[XDISABLED]");
        assertThat(MailClient.refusal(() -> sendAs("civicmail-admin*" + OFFICIAL, masterPassword, OFFICIAL, CITIZEN, "x")))
            .contains("is disabled");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(server.output()).anyMatch(l -> l.contains("login refused: protocol=smtp account=" + OFFICIAL)
            && l.contains("reason=account disabled")));
    }

    @Test
    @Order(4)
    void enableRestoresAccessWithTheOldPasswordAndANewSigningCertificate() throws Exception {
        String out = cli("", "account", "enable", OFFICIAL);
        assertThat(out).contains("enabled " + OFFICIAL).containsPattern("issued signing certificate [0-9A-F]+");
        String newSerial = out.replaceAll("(?s).*issued signing certificate ([0-9A-F]+).*", "$1");
        String show = cli("", "account", "show", OFFICIAL);
        assertThat(show).contains("status:        active").containsPattern("  " + newSerial + "  good  expires ");
        try (Store s = client.imap(OFFICIAL, PASSWORD)) {
            assertThat(s.getFolder("INBOX").exists()).isTrue();
        }
        client.send(OFFICIAL, PASSWORD, client.message(OFFICIAL, CITIZEN, "恢复后 1", "您好"));
        String verdict = header(fetchRaw(CITIZEN, "恢复后 1"), "X-CivicMail-Signature");
        assertThat(verdict).startsWith("valid; signer=\"" + OFFICIAL + "\"; serial=");
        assertThat(serialOf(verdict)).isEqualTo(new java.math.BigInteger(newSerial, 16));
        // Enabling an active account is a mistake worth saying so.
        CliResult again = server.cli("", "account", "enable", OFFICIAL);
        assertThat(again.exitCode()).isEqualTo(2);
        assertThat(again.err()).contains(OFFICIAL + " is not disabled");
    }

    @Test
    @Order(5)
    void disableAndEnableWorkOfflineTooAndTheStateHoldsAfterRestart() throws Exception {
        server.stop();
        // Server stopped: the CLI opens the data directory itself.
        CliResult disabled = server.offlineCli("", "account", "disable", OFFICIAL, "--conf", ForkedServer.CONF.toString());
        assertThat(disabled.exitCode()).as(disabled.out() + disabled.err()).isZero();
        assertThat(disabled.out()).contains("disabled " + OFFICIAL).containsPattern("revoked certificate [0-9A-F]+ \\(cessationOfOperation\\)");
        server.start();
        client = new MailClient(server);
        assertThatThrownBy(() -> client.imap(OFFICIAL, PASSWORD)).hasMessageContaining("[XDISABLED]");
        assertThat(cli("", "account", "show", OFFICIAL)).doesNotContain("  good  ");
        server.stop();
        CliResult enabled = server.offlineCli("", "account", "enable", OFFICIAL, "--conf", ForkedServer.CONF.toString());
        assertThat(enabled.exitCode()).as(enabled.out() + enabled.err()).isZero();
        assertThat(enabled.out()).containsPattern("issued signing certificate [0-9A-F]+");
        server.start();
        client = new MailClient(server);
        try (Store s = client.imap(OFFICIAL, PASSWORD)) {
            assertThat(s.getFolder("INBOX").exists()).isTrue();
        }
    }

    private void sendAs(String login, String password, String from, String to, String subject) throws Exception {
        MimeMessage message = client.message(from, to, subject, "正文");
        try (Transport t = client.smtpSession().getTransport("smtp")) {
            t.connect(login, password);
            t.sendMessage(message, message.getAllRecipients());
        }
    }

    /** IMAP AUTHENTICATE PLAIN as {@code authcid} acting for {@code authzid}. */
    private Store imapAs(String authzid, String authcid, String password) throws MessagingException {
        Properties p = new Properties();
        p.put("mail.imap.starttls.enable", "true");
        p.put("mail.imap.starttls.required", "true");
        p.put("mail.imap.ssl.socketFactory", tls);
        p.put("mail.imap.sasl.authorizationid", authzid);
        p.put("mail.imap.auth.mechanisms", "PLAIN");
        p.put("mail.imap.auth.login.disable", "true");
        Store store = Session.getInstance(p).getStore("imap");
        store.connect("127.0.0.1", server.port("imap"), authcid, password);
        return store;
    }

    private byte[] fetchRaw(String user, String subject) throws Exception {
        await().atMost(Duration.ofSeconds(60)).until(() -> client.inboxSubjects(user, PASSWORD).contains(subject));
        try (Store store = client.imap(user, PASSWORD)) {
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            for (Message m : inbox.getMessages()) {
                if (subject.equals(m.getSubject())) {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    m.writeTo(out);
                    return out.toByteArray();
                }
            }
        }
        throw new AssertionError("no message " + subject);
    }

    private static java.math.BigInteger serialOf(String verdict) {
        Matcher m = Pattern.compile("serial=([0-9a-fA-F]+)").matcher(verdict);
        assertThat(m.find()).as(verdict).isTrue();
        return new java.math.BigInteger(m.group(1), 16);
    }

    private static String header(byte[] raw, String name) throws Exception {
        return new MimeMessage(null, new java.io.ByteArrayInputStream(raw)).getHeader(name, null);
    }
}

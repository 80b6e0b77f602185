package org.civicmail.mailflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import javax.mail.AuthenticationFailedException;
import javax.mail.Folder;
import javax.mail.Quota;
import javax.mail.SendFailedException;
import javax.mail.Store;
import javax.mail.internet.MimeMessage;

import org.civicmail.testkit.CivicMailExtension;
import org.civicmail.testkit.ForkedServer.CliResult;
import org.civicmail.testkit.MailClient;
import org.civicmail.testkit.SmtpDialog;
import org.civicmail.testkit.TestIds;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import com.sun.mail.imap.IMAPStore;

/** The mail server over real sockets: CivicMail in this JVM, javax.mail clients, GreenMail as the outside world. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MailServerIT {
    static final String GOV = "gov.hangzhou.example";
    static final String CITIZEN = "citizen.hangzhou.example";
    static final String CORP = "corp.hangzhou.example";
    static final String OFFICIAL = "liu.yang@" + GOV;
    static final String CITIZEN_A = "zhao.min@" + CITIZEN;
    static final String CITIZEN_B = "sun.li@" + CITIZEN;
    static final String COMPANY = "westlake-tea@" + CORP;
    static final String PASSWORD = "correct horse 1";

    /** The outside world, started first: the server relays to it (civicmail.relay.gateway). */
    static final GreenMail outside = startOutside();
    @RegisterExtension
    static final CivicMailExtension server = new CivicMailExtension()
        .withConfiguration("civicmail.relay.gateway", "127.0.0.1:" + outside.getSmtp().getPort());
    @TempDir
    static Path tmp;
    MailClient client;

    private static GreenMail startOutside() {
        GreenMail greenMail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        greenMail.start();
        return greenMail;
    }

    @BeforeAll
    void startServer() throws Exception {
        client = new MailClient(server);
        add("official", OFFICIAL, "刘洋", "--agency", "杭州市民政局", "--employee-no", "MZ-0042");
        add("citizen", CITIZEN_A, "赵敏", "--id-number", id("11010519491231002"), "--tags", "西湖区");
        add("citizen", CITIZEN_B, "孙丽", "--id-number", id("33010219900307123"));
        add("legal-entity", COMPANY, "杭州西湖茶业有限公司", "--credit-code", TestIds.creditCode("91330106MA2B0TEA0"));
    }

    @AfterAll
    void stopOutside() {
        outside.stop();
    }

    private void add(String cls, String address, String name, String... identity) throws Exception {
        String[] args = new String[8 + identity.length];
        String[] base = {"account", "add", "--class", cls, "--address", address, "--name", name};
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(identity, 0, args, base.length, identity.length);
        String[] withStdin = java.util.Arrays.copyOf(args, args.length + 1);
        withStdin[args.length] = "--password-stdin";
        CliResult result = server.cli(PASSWORD + "\n", withStdin);
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).contains("created " + cls + " " + address);
    }

    @Test
    void mailSubmittedByAnOfficialIsReadOverImapAndImapsByACitizen() throws Exception {
        client.send(OFFICIAL, PASSWORD, client.message(OFFICIAL, CITIZEN_A, "低保政策通知 No.1", "您好"));
        await().atMost(Duration.ofSeconds(30)).until(() -> client.inboxSubjects(CITIZEN_A, PASSWORD).contains("低保政策通知 No.1"));
        try (Store imaps = client.imaps(CITIZEN_A, PASSWORD)) {
            Folder inbox = imaps.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            assertThat(inbox.getMessageCount()).isGreaterThanOrEqualTo(1);
        }
    }

    @Test
    void wrongPasswordIsRefusedOnImapAndSubmission() {
        assertThatThrownBy(() -> client.imap(CITIZEN_A, "wrong password")).isInstanceOf(AuthenticationFailedException.class);
        assertThatThrownBy(() -> client.send(CITIZEN_A, "wrong password", client.message(CITIZEN_A, CITIZEN_B, "x", "y")))
            .isInstanceOf(AuthenticationFailedException.class);
    }

    @Test
    void submissionRefusesMailBeforeAuthentication() throws Exception {
        try (SmtpDialog smtp = new SmtpDialog(server.port("submission"))) {
            smtp.send("EHLO client.example");
            assertThat(smtp.send("MAIL FROM:<" + CITIZEN_A + ">"))
                .isEqualTo("530 5.7.0 Authentication required: STARTTLS, then AUTH with your mailbox address and password");
        }
    }

    @Test
    void inboundSmtpNeverRelaysForAnUnauthenticatedClient() throws Exception {
        try (SmtpDialog smtp = new SmtpDialog(server.port("smtp"))) {
            smtp.send("EHLO relay-abuser.example");
            assertThat(smtp.send("MAIL FROM:<spammer@elsewhere.example>")).startsWith("250");
            assertThat(smtp.send("RCPT TO:<victim@another.example>"))
                .isEqualTo("550 5.7.1 Relaying denied: this server accepts mail only for city domains");
        }
    }

    @Test
    void inboundSmtpAcceptsMailFromOutsideForACityMailbox() throws Exception {
        try (SmtpDialog smtp = new SmtpDialog(server.port("smtp"))) {
            smtp.send("EHLO partner.example");
            assertThat(smtp.send("MAIL FROM:<friend@partner.example>")).startsWith("250");
            assertThat(smtp.send("RCPT TO:<" + CITIZEN_B + ">")).startsWith("250");
            assertThat(smtp.data("From: friend@partner.example\nTo: " + CITIZEN_B + "\nSubject: hello from outside\n\nhi"))
                .startsWith("250");
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> client.inboxSubjects(CITIZEN_B, PASSWORD).contains("hello from outside"));
    }

    @Test
    void aSpoofedCitySenderIsRefusedOnInboundSmtp() throws Exception {
        try (SmtpDialog smtp = new SmtpDialog(server.port("smtp"))) {
            smtp.send("EHLO forger.example");
            assertThat(smtp.send("MAIL FROM:<tax-bureau@" + GOV + ">")).isEqualTo("553 5.7.1 Sender <tax-bureau@" + GOV
                + "> is a city mailbox: authenticate on the submission port to send as it");
        }
        // A city address in the From header of mail from outside is delivered but flagged: see SmimeIT.
    }

    @Test
    void anAuthenticatedAccountMaySendOnlyAsItself() throws Exception {
        MimeMessage forged = client.message(CITIZEN_B, OFFICIAL, "as someone else", "x");
        assertThatThrownBy(() -> client.send(CITIZEN_A, PASSWORD, forged))
            .isInstanceOf(SendFailedException.class)
            .hasMessageContaining("553 5.7.1 Sender <" + CITIZEN_B + "> is not your mailbox; you are authenticated as " + CITIZEN_A);
    }

    @Test
    void theFromHeaderMustBeTheAuthenticatedAccount() throws Exception {
        MimeMessage message = client.message(OFFICIAL, CITIZEN_B, "header forged", "x");
        // Envelope sender is the authenticated user (javax.mail uses mail.smtp.from), the header is not.
        javax.mail.Session session = client.smtpSession();
        session.getProperties().put("mail.smtp.from", CITIZEN_A);
        try (javax.mail.Transport t = session.getTransport("smtp")) {
            t.connect(CITIZEN_A, PASSWORD);
            assertThatThrownBy(() -> t.sendMessage(message, message.getAllRecipients()))
                .hasMessageContaining("550 5.7.1 From: <" + OFFICIAL + "> is not your mailbox; you are authenticated as " + CITIZEN_A);
        }
    }

    @Test
    void citizensMayWriteToAnyCityMailboxButNotOutside() throws Exception {
        client.send(CITIZEN_A, PASSWORD, client.message(CITIZEN_A, COMPANY, "询价", "请报价"));
        await().atMost(Duration.ofSeconds(30)).until(() -> client.inboxSubjects(COMPANY, PASSWORD).contains("询价"));
        assertThat(MailClient.refusal(() -> client.send(CITIZEN_A, PASSWORD, client.message(CITIZEN_A, "someone@outside.example", "out", "x"))))
            .contains("550 5.7.1 citizen accounts may write only to city mailboxes; <someone@outside.example> is outside the city");
        assertThat(MailClient.refusal(() -> client.send(COMPANY, PASSWORD, client.message(COMPANY, "buyer@outside.example", "out", "x"))))
            .contains("legal-entity accounts may write only to city mailboxes");
    }

    @Test
    void officialsMayWriteOutsideTheCity() throws Exception {
        client.send(OFFICIAL, PASSWORD, client.message(OFFICIAL, "partner@province.example", "省厅协查函", "请协助"));
        await().atMost(Duration.ofSeconds(60)).until(() -> outside.getReceivedMessages().length > 0);
        MimeMessage received = outside.getReceivedMessages()[0];
        assertThat(received.getSubject()).isEqualTo("省厅协查函");
        assertThat(received.getFrom()[0].toString()).isEqualTo(OFFICIAL);
    }

    @Test
    void eachClassGetsItsConfiguredQuota() throws Exception {
        try (Store store = client.imap(CITIZEN_A, PASSWORD)) {
            Quota[] quotas = ((IMAPStore) store).getQuota("INBOX");
            Quota.Resource storage = java.util.Arrays.stream(quotas[0].resources).filter(r -> r.name.equalsIgnoreCase("STORAGE")).findFirst().orElseThrow();
            assertThat(storage.limit).isEqualTo(512L * 1024);
        }
        try (Store store = client.imap(OFFICIAL, PASSWORD)) {
            Quota.Resource storage = java.util.Arrays.stream(((IMAPStore) store).getQuota("INBOX")[0].resources)
                .filter(r -> r.name.equalsIgnoreCase("STORAGE")).findFirst().orElseThrow();
            assertThat(storage.limit).isEqualTo(2048L * 1024);
        }
    }

    @Test
    void badIdNumberAndCreditCodeAreRefusedNamingTheRule() throws Exception {
        CliResult badId = server.cli("secretpass1\n", "account", "add", "--class", "citizen", "--address", "x1@" + CITIZEN,
            "--name", "某人", "--id-number", "330106198506120024", "--password-stdin");
        assertThat(badId.exitCode()).isEqualTo(2);
        assertThat(badId.err().trim()).isEqualTo("error: id-number: check digit does not match (GB 11643 MOD 11-2); "
            + "the number was probably mistyped (GB 11643 resident ID number)");
        CliResult badCode = server.cli("secretpass1\n", "account", "add", "--class", "legal-entity", "--address", "x2@" + CORP,
            "--name", "某公司", "--credit-code", "91330106MA2B0WATEI", "--password-stdin");
        assertThat(badCode.exitCode()).isEqualTo(2);
        assertThat(badCode.err().trim()).isEqualTo("error: credit-code: character 18 'I' is not allowed "
            + "(digits and capitals except I, O, Z, S, V) (GB 32100 unified social credit code)");
        CliResult wrongDomain = server.cli("secretpass1\n", "account", "add", "--class", "official", "--address", "x3@" + CITIZEN,
            "--name", "某人", "--agency", "A", "--employee-no", "1", "--password-stdin");
        assertThat(wrongDomain.exitCode()).isEqualTo(2);
        assertThat(wrongDomain.err().trim()).isEqualTo("error: address: a official mailbox must be in " + GOV + ", not " + CITIZEN);
    }

    @Test
    void csvImportWithBadRowsNamesTheRowsAndImportsNothing() throws Exception {
        Path csv = tmp.resolve("bad.csv");
        Files.writeString(csv, "class,address,name,id-number,tags,password\n"
            + "citizen,good.one@" + CITIZEN + ",好人," + id("33010619800101001") + ",西湖区,passw0rd-ok\n"
            + "citizen,bad.id@" + CITIZEN + ",坏号,330106198001010019,西湖区,passw0rd-ok\n"
            + "citizen,short.pw@" + CITIZEN + ",短密码," + id("33010619800101002") + ",,123\n");
        CliResult result = server.cli(null, "account", "import", csv.toString());
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("bad.csv: 2 bad row(s); nothing was imported:")
            .contains("row 3: id-number: check digit does not match")
            .contains("row 4: password: must have at least 8 characters");
        CliResult show = server.cli(null, "account", "show", "good.one@" + CITIZEN);
        assertThat(show.exitCode()).isEqualTo(2);
    }

    @Test
    void csvImportReadsGbkAndSkipsRowsAlreadyPresentOnRerun() throws Exception {
        Path csv = tmp.resolve("registry-gbk.csv");
        String text = "address,name,id-number,tags,password\n"
            + "qian.hua@" + CITIZEN + ",钱华," + id("33010619750505003") + ",拱墅区;米市巷街道,passw0rd-ok\n"
            + "zhou.jie@" + CITIZEN + ",周杰," + id("33010619750505004") + ",拱墅区,passw0rd-ok\n";
        Files.write(csv, text.replace(";", "，").getBytes(Charset.forName("GBK")));
        CliResult first = server.cli(null, "account", "import", csv.toString(), "--class", "citizen", "--encoding", "GBK");
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.out()).contains("imported 2 account(s), 0 already present");
        CliResult again = server.cli(null, "account", "import", csv.toString(), "--class", "citizen", "--encoding", "GBK");
        assertThat(again.out()).contains("imported 0 account(s), 2 already present");
        CliResult show = server.cli(null, "account", "show", "qian.hua@" + CITIZEN);
        assertThat(show.out()).contains("name:          钱华").contains("tags:          拱墅区,米市巷街道")
            .contains("id-number:     330106********003");
        CliResult notUtf8 = server.cli(null, "account", "import", csv.toString(), "--class", "citizen");
        assertThat(notUtf8.exitCode()).isEqualTo(2);
        assertThat(notUtf8.err()).contains("is not valid UTF-8 text; if it was saved by Excel in Chinese, try --encoding GBK");
    }

    @Test
    void aDisabledAccountCanNeitherLogInNorReceive() throws Exception {
        String address = "to.disable@" + CITIZEN;
        CliResult created = server.cli("passw0rd-ok\n", "account", "add", "--class", "citizen", "--address", address,
            "--name", "停用", "--id-number", id("33010619700101005"), "--password-stdin");
        assertThat(created.exitCode()).as(created.err()).isZero();
        client.imap(address, "passw0rd-ok").close();
        assertThat(server.cli(null, "account", "disable", address).exitCode()).isZero();
        assertThatThrownBy(() -> client.imap(address, "passw0rd-ok")).isInstanceOf(AuthenticationFailedException.class);
        assertThat(MailClient.refusal(() -> client.send(OFFICIAL, PASSWORD, client.message(OFFICIAL, address, "x", "y"))))
            .contains("550 5.2.1 Mailbox <" + address + "> is disabled");
        assertThat(server.cli(null, "account", "show", address).out()).contains("status:        disabled");
    }

    static String id(String first17) {
        return TestIds.residentId(first17);
    }
}

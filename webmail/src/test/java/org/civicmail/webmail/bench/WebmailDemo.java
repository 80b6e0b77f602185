package org.civicmail.webmail.bench;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Properties;
import org.civicmail.webmail.WebmailMain;
import org.civicmail.webmail.config.WebmailConfig;
import org.civicmail.webmail.testkit.WebmailFixture;
import org.civicmail.webmail.signature.NoRevocationCheck;
import org.civicmail.webmail.web.WebmailServer;

/**
 * Stand-alone demo without the mail server: GreenMail with one citizen whose 通知 folder holds a signed notice,
 * a tampered copy and an unsigned fake, and the webmail in front of it.
 * <pre>java -cp 'webmail/target/classes:webmail/target/lib/*' org.civicmail.webmail.bench.WebmailDemo [http-port]</pre>
 */
public final class WebmailDemo {

    private WebmailDemo() {}

    public static void main(String[] args) throws Exception {
        int httpPort = args.length > 0 ? Integer.parseInt(args[0]) : 8080;
        BenchMessages mail = new BenchMessages();
        GreenMail greenMail = new GreenMail(ServerSetup.dynamicPort(ServerSetupTest.SMTP_IMAP));
        greenMail.start();
        String user = "citizen@bench.test";
        String password = "demo";
        com.icegreen.greenmail.user.GreenMailUser citizen = greenMail.setUser(user, user, password);
        greenMail.setUser("notice@gov.bench.test", "notice@gov.bench.test", "demo");

        MimeMessage good = mail.signedNotice(user, "关于2026年社保缴费基数调整的通知",
                "各位市民：\n\n自2026年7月1日起，本市社保缴费基数调整为每月 8,500 元。\n\n市民政局");
        MimeMessage tampered = new MimeMessage(Session.getInstance(new Properties()), new java.io.ByteArrayInputStream(
                toString(mail.signedNotice(user, "Water bill (tampered copy)", "Amount due: 100 CNY"))
                        .replace("Amount due: 100", "Amount due: 900").getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        MimeMessage fake = new MimeMessage(Session.getInstance(new Properties()));
        fake.setFrom("notice@gov.bench.test");
        fake.setRecipients(MimeMessage.RecipientType.TO, user);
        fake.setSubject("紧急：请立即缴纳罚款", "UTF-8");
        fake.setText("请在24小时内向以下账户转账 500 元。", "UTF-8");
        fake.saveChanges();

        // Not IMAP APPEND: GreenMail misreads its 12:00-12:59 dates (see WebmailFixture.store).
        for (String name : List.of("账单", "社保", "银行")) {
            WebmailFixture.store(greenMail, citizen, name, false);
        }
        WebmailFixture.store(greenMail, citizen, "通知", false, good, tampered, fake);
        WebmailFixture.store(greenMail, citizen, "INBOX", false, mail.mailbox(30).toArray(new MimeMessage[0]));

        Path dir = Files.createTempDirectory("webmail-demo");
        Path anchor = dir.resolve("root.pem");
        Files.writeString(anchor, "-----BEGIN CERTIFICATE-----\n"
                + java.util.Base64.getMimeEncoder().encodeToString(mail.root.getEncoded()) + "\n-----END CERTIFICATE-----\n");
        Properties p = new Properties();
        p.setProperty(WebmailConfig.HTTP_PORT, String.valueOf(httpPort));
        p.setProperty(WebmailConfig.IMAP_HOST, "127.0.0.1");
        p.setProperty(WebmailConfig.IMAP_PORT, String.valueOf(greenMail.getImap().getPort()));
        p.setProperty(WebmailConfig.IMAP_TLS, "none");
        p.setProperty(WebmailConfig.SUBMISSION_PORT, String.valueOf(greenMail.getSmtp().getPort()));
        p.setProperty(WebmailConfig.SUBMISSION_STARTTLS, "false");
        p.setProperty(WebmailConfig.TRUST_ANCHOR, anchor.toString());
        p.setProperty(WebmailConfig.REVOCATION_CHECK, "false");
        p.setProperty(WebmailConfig.OFFICIAL_DOMAIN, "gov.bench.test");
        WebmailConfig config = WebmailConfig.from(p, System.getenv(), dir);
        WebmailServer server = WebmailMain.create(config, new org.civicmail.verdict.Authorities(List.of(mail.root), List.of()), NoRevocationCheck.INSTANCE, null, Clock.systemUTC());
        int port = server.start();
        System.out.println("webmail demo: open http://localhost:" + port + "/ and sign in as " + user + " / " + password
                + " (folder 通知 has a signed notice, a tampered copy and an unsigned fake)");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stop();
            greenMail.stop();
        }));
        Thread.currentThread().join();
    }

    private static String toString(MimeMessage m) throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        m.writeTo(out);
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }
}

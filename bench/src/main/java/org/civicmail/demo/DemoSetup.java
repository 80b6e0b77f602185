package org.civicmail.demo;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Properties;

import org.apache.james.core.Username;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageManager;
import org.apache.james.mailbox.model.MailboxPath;
import javax.mail.Message;
import javax.mail.Session;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeMessage;

import org.civicmail.account.AccountClass;
import org.civicmail.smime.AccountKeyStore;
import org.civicmail.smime.SigningCredential;
import org.civicmail.smime.SmimeSigner;
import org.civicmail.smime.MessageBytes;
import org.civicmail.verdict.SignatureVerdict;
import org.civicmail.verdict.SignatureVerifier;
import org.civicmail.verdict.VerdictHeader;
import org.civicmail.verdict.WarningHeader;
import org.civicmail.account.AccountRequest;
import org.civicmail.account.AccountService;
import org.civicmail.server.CivicMailServer;
import org.civicmail.server.DataDirectory;
import org.civicmail.server.SecretFiles;
import org.civicmail.config.CivicMailConfig;

/**
 * {@code start --demo}: one account of each class (and an agency that may broadcast), created once, with random
 * passwords kept in {@code DATA/demo-accounts.properties} (owner-only) and printed at every demo start.
 */
public final class DemoSetup {
    private final CivicMailServer server;
    private final DataDirectory data;
    private final PrintWriter out;

    public DemoSetup(CivicMailServer server, DataDirectory data, PrintWriter out) {
        this.server = server;
        this.data = data;
        this.out = out;
    }

    private record DemoAccount(AccountRequest request, String welcome) {
    }

    public void run() throws Exception {
        CivicMailConfig config = server.service(CivicMailConfig.class);
        AccountService accounts = server.service(AccountService.class);
        Path passwordsFile = data.root().resolve("demo-accounts.properties");
        Properties passwords = new Properties();
        if (Files.exists(passwordsFile)) {
            try (var reader = Files.newBufferedReader(passwordsFile, StandardCharsets.UTF_8)) {
                passwords.load(reader);
            }
        }
        boolean created = false;
        for (DemoAccount demo : demoAccounts(config)) {
            String address = demo.request().address;
            if (accounts.find(address).isEmpty()) {
                String password = randomPassword();
                accounts.create(demo.request(), password.toCharArray());
                passwords.setProperty(address, password);
                store(passwordsFile, passwords);
                deliverWelcome(address, demo.welcome());
                created = true;
            }
        }
        if (created) {
            deliverSampleNotices(config);
        }
        out.println("Demo accounts (passwords also in " + passwordsFile + "):");
        for (DemoAccount demo : demoAccounts(config)) {
            out.printf("  %-14s %-42s %s%n", demo.request().accountClass, demo.request().address,
                passwords.getProperty(demo.request().address, "(created earlier without a recorded password)"));
        }
    }

    private static List<DemoAccount> demoAccounts(CivicMailConfig config) {
        String gov = config.domain(AccountClass.OFFICIAL);
        String corp = config.domain(AccountClass.LEGAL_ENTITY);
        String citizen = config.domain(AccountClass.CITIZEN);
        AccountRequest tax = AccountRequest.of("official", "tax-bureau@" + gov, "杭州市税务局");
        tax.agency = "杭州市税务局";
        tax.employeeNo = "AGENCY-0001";
        tax.mayBroadcast = true;
        AccountRequest clerk = AccountRequest.of("official", "zhang.wei@" + gov, "张伟");
        clerk.agency = "杭州市税务局";
        clerk.employeeNo = "HZ-TAX-1024";
        AccountRequest water = AccountRequest.of("legal-entity", "westlake-water@" + corp, "杭州西湖水务有限公司");
        water.creditCode = "91330106MA2B0WATE5";
        AccountRequest li = AccountRequest.of("citizen", "li.na@" + citizen, "李娜");
        li.idNumber = "330106198506120023";
        li.tags = "西湖区,北山街道";
        AccountRequest wang = AccountRequest.of("citizen", "wang.fang@" + citizen, "王芳");
        wang.idNumber = "330102199003071230";
        wang.tags = "上城区";
        return List.of(
            new DemoAccount(tax, "欢迎使用 CivicMail 公务邮箱。"),
            new DemoAccount(clerk, "欢迎使用 CivicMail 公务邮箱。"),
            new DemoAccount(water, "欢迎使用 CivicMail 法人邮箱。"),
            new DemoAccount(li, "欢迎使用 CivicMail 市民邮箱。政府部门发给您的通知和账单都带有数字签名。"),
            new DemoAccount(wang, "欢迎使用 CivicMail 市民邮箱。政府部门发给您的通知和账单都带有数字签名。"));
    }

    /**
     * What a citizen meets first: a notice signed by the tax bureau (valid), and a forged "official" message
     * from outside (unsigned, warned). Both are stored as the server's delivery would have stored them.
     */
    private void deliverSampleNotices(CivicMailConfig config) throws Exception {
        String tax = "tax-bureau@" + config.domain(AccountClass.OFFICIAL);
        String citizen = "li.na@" + config.domain(AccountClass.CITIZEN);
        Session session = Session.getInstance(new Properties());
        MimeMessage notice = new MimeMessage(session);
        notice.setFrom(new InternetAddress(tax, "杭州市税务局", "UTF-8"));
        notice.setRecipient(Message.RecipientType.TO, new InternetAddress(citizen, "李娜", "UTF-8"));
        notice.setSubject("关于2026年度个人所得税综合所得汇算清缴的通知", "UTF-8");
        notice.setSentDate(new java.util.Date());
        notice.setText("李娜 您好：\n\n2026年度个人所得税综合所得汇算清缴将于2027年3月1日开始，6月30日结束。"
            + "请通过个人所得税App或办税服务厅办理。\n\n本邮件由杭州市税务局数字签名，您可以在邮件上方看到签名人。\n\n"
            + "杭州市税务局\n", "UTF-8");
        notice.saveChanges();
        SigningCredential credential = server.service(AccountKeyStore.class).usable(tax).orElseThrow();
        deliverAsServer(citizen, server.service(SmimeSigner.class).sign(notice, credential));

        MimeMessage forged = new MimeMessage(session);
        forged.setFrom(new InternetAddress(tax, "杭州市税务局", "UTF-8"));
        forged.setRecipient(Message.RecipientType.TO, new InternetAddress(citizen));
        forged.setSubject("【紧急】您有一笔退税待领取", "UTF-8");
        forged.setSentDate(new java.util.Date());
        forged.setText("请点击链接填写银行卡信息领取退税。（这是演示用的伪造邮件：没有签名，CivicMail 会提醒您。）\n", "UTF-8");
        forged.saveChanges();
        deliverAsServer(citizen, forged);
    }

    /** Verifies like the delivery mailet does, records the verdict headers, stores into the INBOX. */
    private void deliverAsServer(String address, MimeMessage message) throws Exception {
        SignatureVerdict verdict = server.service(SignatureVerifier.class).verify(MessageBytes.of(message), java.time.Instant.now());
        message.setHeader(VerdictHeader.NAME, verdict.headerValue());
        if (!verdict.isValid()) {
            message.setHeader(WarningHeader.NAME, WarningHeader.format(java.util.Set.of(WarningHeader.Warning.UNSIGNED_OFFICIAL_SENDER)));
        }
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        message.writeTo(bytes);
        append(address, bytes.toByteArray());
    }

    private void append(String address, byte[] message) throws Exception {
        MailboxManager mailboxes = server.service(MailboxManager.class);
        MailboxSession session = mailboxes.createSystemSession(Username.of(address));
        MailboxPath inbox = MailboxPath.inbox(session);
        if (!reactor.core.publisher.Mono.from(mailboxes.mailboxExists(inbox, session)).block()) {
            mailboxes.createMailbox(inbox, session);
        }
        mailboxes.getMailbox(inbox, session).appendMessage(MessageManager.AppendCommand.builder().build(message), session);
        mailboxes.endProcessingRequest(session);
    }

    private void deliverWelcome(String address, String text) throws Exception {
        String message = "From: postmaster@" + address.substring(address.indexOf('@') + 1) + "\r\n"
            + "To: " + address + "\r\n"
            + "Subject: =?UTF-8?B?" + java.util.Base64.getEncoder().encodeToString("欢迎 / Welcome".getBytes(StandardCharsets.UTF_8)) + "?=\r\n"
            + "Date: " + ZonedDateTime.now().format(DateTimeFormatter.RFC_1123_DATE_TIME) + "\r\n"
            + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
            + text + "\r\nWelcome to CivicMail.\r\n";
        append(address, message.getBytes(StandardCharsets.UTF_8));
    }

    private static String randomPassword() {
        String alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789";
        SecureRandom random = new SecureRandom();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 14; i++) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    private static void store(Path file, Properties passwords) throws IOException {
        java.io.StringWriter text = new java.io.StringWriter();
        passwords.store(text, "CivicMail demo accounts: DEMO ONLY");
        SecretFiles.write(file, text.toString().getBytes(StandardCharsets.UTF_8));
    }
}

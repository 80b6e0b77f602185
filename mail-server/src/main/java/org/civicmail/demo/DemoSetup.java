package org.civicmail.demo;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
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
import org.civicmail.mailbox.AccountClass;
import org.civicmail.mailbox.AccountRequest;
import org.civicmail.mailbox.AccountService;
import org.civicmail.server.CivicMailServer;
import org.civicmail.server.DataDirectory;
import org.civicmail.server.config.CivicMailConfig;

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
        for (DemoAccount demo : demoAccounts(config)) {
            String address = demo.request().address;
            if (accounts.find(address).isEmpty()) {
                String password = randomPassword();
                accounts.create(demo.request(), password.toCharArray());
                passwords.setProperty(address, password);
                store(passwordsFile, passwords);
                deliverWelcome(address, demo.welcome());
            }
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

    private void deliverWelcome(String address, String text) throws Exception {
        MailboxManager mailboxes = server.service(MailboxManager.class);
        MailboxSession session = mailboxes.createSystemSession(Username.of(address));
        MailboxPath inbox = MailboxPath.inbox(session);
        if (!reactor.core.publisher.Mono.from(mailboxes.mailboxExists(inbox, session)).block()) {
            mailboxes.createMailbox(inbox, session);
        }
        String message = "From: postmaster@" + address.substring(address.indexOf('@') + 1) + "\r\n"
            + "To: " + address + "\r\n"
            + "Subject: =?UTF-8?B?" + java.util.Base64.getEncoder().encodeToString("欢迎 / Welcome".getBytes(StandardCharsets.UTF_8)) + "?=\r\n"
            + "Date: " + ZonedDateTime.now().format(DateTimeFormatter.RFC_1123_DATE_TIME) + "\r\n"
            + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
            + text + "\r\nWelcome to CivicMail.\r\n";
        mailboxes.getMailbox(inbox, session).appendMessage(
            MessageManager.AppendCommand.builder().build(message.getBytes(StandardCharsets.UTF_8)), session);
        mailboxes.endProcessingRequest(session);
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
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (var writer = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING)) {
            passwords.store(writer, "CivicMail demo accounts: DEMO ONLY");
        }
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // Non-POSIX file system.
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
}

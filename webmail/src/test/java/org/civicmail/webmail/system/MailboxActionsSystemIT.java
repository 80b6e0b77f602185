package org.civicmail.webmail.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Multipart;
import jakarta.mail.Store;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.civicmail.webmail.testkit.Mails;
import org.civicmail.webmail.testkit.SharedDemoSystem;
import org.civicmail.webmail.testkit.WebClient;
import org.civicmail.webmail.testkit.WholeSystem;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 17's mailbox basics on the whole system (`civicmail start --demo`, James behind the webmail child), each
 * checked over the real server's IMAP: reading lowers the unread count at once, mark unread, flag, move, delete to
 * Trash and for good, and "举报" moving the message to Junk and reaching the city's administrator account.
 * <p>
 * On the JVM's {@link SharedDemoSystem}: the messages it moves, deletes and reports are its own, in folders of its own.
 */
class MailboxActionsSystemIT {
    static final String CITIZEN = "li.na@citizen.hangzhou.example";

    static WholeSystem system;
    static WebClient reader;

    @BeforeAll
    static void start() throws Exception {
        system = SharedDemoSystem.get();
        reader = new WebClient("https://" + system.listener("webmail"), system.httpsClient(null, null));
        assertEquals(200, reader.login(CITIZEN, system.password(CITIZEN)).statusCode());
    }

    /** Stores plain messages, unread, in a new folder of the citizen's over IMAP APPEND. */
    static void file(String folder, String... subjects) throws Exception {
        try (Store store = citizen()) {
            Folder f = store.getFolder(folder);
            f.create(Folder.HOLDS_MESSAGES);
            for (String subject : subjects) {
                String raw = "From: neighbour@citizen.hangzhou.example\r\nTo: " + CITIZEN + "\r\nSubject: " + subject
                        + "\r\nDate: Mon, 30 Nov 2026 09:00:00 +0800\r\nMessage-ID: <" + subject + "@test>\r\n"
                        + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\nbody of " + subject + "\r\n";
                f.appendMessages(new Message[] {new MimeMessage(null, new ByteArrayInputStream(raw.getBytes(StandardCharsets.UTF_8)))});
            }
        }
    }

    static Store citizen() throws Exception {
        return system.imaps(CITIZEN, system.password(CITIZEN));
    }

    /** Subjects (sorted) of a folder's messages carrying {@code flag} ({@code null}: all), as the server has them now. */
    static List<String> withFlag(String folder, Flags.Flag flag) throws Exception {
        try (Store store = citizen()) {
            Folder f = store.getFolder(folder);
            if (!f.exists()) {
                return List.of();
            }
            f.open(Folder.READ_ONLY);
            try {
                return Arrays.stream(f.getMessages()).filter(m -> flag == null || Mails.has(m, flag)).map(Mails::subject).sorted().toList();
            } finally {
                f.close(false);
            }
        }
    }

    static List<String> subjects(String folder) throws Exception {
        return withFlag(folder, null);
    }

    static String q(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static long uid(String listHtml, String subject) {
        Matcher m = Pattern.compile("id=\"open-(\\d+)\">(?:(?!</a>).)*?<span class=\"subj\"[^>]*>" + Pattern.quote(subject)
                + "</span>", Pattern.DOTALL).matcher(listHtml);
        assertTrue(m.find(), "no '" + subject + "' in\n" + listHtml);
        return Long.parseLong(m.group(1));
    }

    @Test
    void readingMarkingFlaggingMovingAndDeletingAreWhatTheServerHas() throws Exception {
        file("事务", "Alpha", "Beta", "Gamma");
        String list = reader.get("/mail?f=" + q("事务")).body();
        assertTrue(list.contains(">事务 <span class=\"count\">3<"), list);
        String token = WebClient.csrf(list);

        assertEquals(200, reader.get("/mail/msg?f=" + q("事务") + "&uid=" + uid(list, "Alpha")).statusCode());
        assertTrue(reader.get("/mail").body().contains(">事务 <span class=\"count\">2<"), "count right after reading");
        assertEquals(List.of("Alpha"), withFlag("事务", Flags.Flag.SEEN));

        post(token, "unread", "事务", uid(list, "Alpha"));
        assertEquals(List.of(), withFlag("事务", Flags.Flag.SEEN));
        post(token, "flag", "事务", uid(list, "Beta"));
        assertEquals(List.of("Beta"), withFlag("事务", Flags.Flag.FLAGGED));

        post(token, "move", "事务", uid(list, "Beta"), "target", "INBOX");
        assertEquals(List.of("Alpha", "Gamma"), subjects("事务"));
        assertTrue(subjects("INBOX").contains("Beta"));

        post(token, "delete", "事务", uid(list, "Gamma"));
        assertEquals(List.of("Alpha"), subjects("事务"));
        assertEquals(List.of("Gamma"), subjects("Trash"));
        long inTrash = uid(reader.get("/mail?f=Trash").body(), "Gamma");
        post(token, "delete", "Trash", inTrash);
        assertEquals(List.of(), subjects("Trash"), "deleting in Trash removes for good");
    }

    @Test
    void reportMovesToJunkAndTheCityAdministratorReceivesTheMessage() throws Exception {
        file("可疑", "Suspicious refund");
        String list = reader.get("/mail?f=" + q("可疑")).body();
        HttpResponse<String> r = post(WebClient.csrf(list), "report", "可疑", uid(list, "Suspicious refund"));
        HttpResponse<String> page = reader.follow(r);
        assertTrue(page.body().contains("已举报：邮件已移到“垃圾邮件”，并已通知本市邮箱管理员。"), page.statusCode() + " " + page.uri() + "\n" + page.body() + "\nwebmail log:\n" + system.webmailLog());
        assertEquals(List.of(), subjects("可疑"));
        assertEquals(List.of("Suspicious refund"), subjects("Junk"));

        String admin = system.reportAddress();
        assertTrue(admin.startsWith("civicmail-admin@"), admin);
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> !reportsFor(admin).isEmpty());
        assertEquals(List.of("[举报 / Report] Suspicious refund | " + CITIZEN + " | message/rfc822 Suspicious refund"),
                reportsFor(admin), "one notice, from the citizen, the reported message attached");
    }

    @Test
    void aRecipientTheServerRefusesIsExplainedInTheReadersLanguageAndTheTextKept() throws Exception {
        // citizens may not write outside the city (civicmail.outbound.allowed-classes): the server refuses at RCPT
        String form = reader.get("/compose").body();
        HttpResponse<String> r = reader.post("/compose", "csrf", WebClient.csrf(form), "to", "pay@freemail.example.org",
                "subject", "银行卡号", "body", "我的卡号是……", "action", "send");
        assertEquals(502, r.statusCode(), r.body());
        assertTrue(r.body().contains("邮件服务器没有接受这些收件人：pay@freemail.example.org。请检查地址是否写对；"
                + "本邮箱可能不能向本市以外的地址发信。您写的内容仍在下方。"), r.body());
        assertTrue(!r.body().contains("Invalid Addresses") && r.body().contains(">我的卡号是……</textarea>"), r.body());
    }

    /** The administrator's notices about the test's message, read over IMAP as the administrator: subject | from | attachment. */
    static List<String> reportsFor(String admin) throws Exception {
        try (Store store = system.imaps(admin, system.reportAddressPassword())) {
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            List<String> out = new java.util.ArrayList<>();
            for (Message m : inbox.getMessages()) {
                if (Mails.subject(m) != null && Mails.subject(m).contains("Suspicious refund")) {
                    jakarta.mail.BodyPart attached = ((Multipart) m.getContent()).getBodyPart(1);
                    String inner = attached.isMimeType("message/rfc822") ? ((Message) attached.getContent()).getSubject() : "?";
                    out.add(m.getSubject() + " | " + m.getFrom()[0] + " | " + attached.getContentType().split(";")[0].trim().toLowerCase(java.util.Locale.ROOT)
                            + " " + inner);
                }
            }
            inbox.close(false);
            return out;
        }
    }

    static HttpResponse<String> post(String token, String action, String folder, long uid, String... extra) throws Exception {
        String[] form = new String[8 + extra.length];
        String[] base = {"csrf", token, "f", folder, "action", action, "uid", String.valueOf(uid)};
        System.arraycopy(base, 0, form, 0, base.length);
        System.arraycopy(extra, 0, form, base.length, extra.length);
        HttpResponse<String> r = reader.post("/mail/action", form);
        assertEquals(303, r.statusCode(), action + ": " + r.body());
        return r;
    }
}

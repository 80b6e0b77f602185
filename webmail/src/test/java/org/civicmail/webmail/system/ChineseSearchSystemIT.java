package org.civicmail.webmail.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.Folder;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;
import org.awaitility.Awaitility;
import org.civicmail.webmail.testkit.SharedDemoSystem;
import org.civicmail.webmail.testkit.WebClient;
import org.civicmail.webmail.testkit.WholeSystem;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 17's "Chinese search finds nothing", on the whole system (`civicmail start --demo` with its webmail child):
 * the words of the issue ("退税", "税务局", "汇算清缴") are found by the real server's IMAP SEARCH through the webmail's
 * search box, in the current folder and in every folder, as is a substring inside a word, and a message from outside
 * with raw UTF-8 headers is listed and found by its Chinese display name and subject.
 * <p>
 * On the JVM's {@link SharedDemoSystem}: what this class adds (a folder, two messages from outside) is its own, and its
 * searches assert only on its own and the demo's messages.
 */
class ChineseSearchSystemIT {
    static final String CITIZEN = "li.na@citizen.hangzhou.example";
    static final String NOTICE = "关于2026年度个人所得税综合所得汇算清缴的通知";
    static final String FORGED = "【紧急】您有一笔退税待领取";
    static final String FILED = "社保与退税办理指南";
    static final String RAW = "退税进度查询结果";
    static final String GB18030 = "个税汇算退税到账通知";

    static WholeSystem system;
    static WebClient reader;

    @BeforeAll
    static void start() throws Exception {
        system = SharedDemoSystem.get();
        Session session = Session.getInstance(new Properties());
        try (Store store = system.imaps(CITIZEN, system.password(CITIZEN))) {
            Folder filed = store.getFolder("社保");
            filed.create(Folder.HOLDS_MESSAGES);
            String message = "From: =?UTF-8?B?" + b64("杭州市社会保险管理服务中心") + "?= <si@gov.hangzhou.example>\r\n"
                + "To: " + CITIZEN + "\r\nSubject: =?UTF-8?B?" + b64(FILED) + "?=\r\nDate: Mon, 30 Nov 2026 09:00:00 +0800\r\n"
                + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                + b64("请按时缴纳社保。") + "\r\n";
            filed.appendMessages(new MimeMessage[] {new MimeMessage(session, new ByteArrayInputStream(message.getBytes(StandardCharsets.US_ASCII)))});
        }
        system.injectFromOutside("service@hz-tax-refund.example.net", CITIZEN, ("From: 杭州市税务局服务号 <service@hz-tax-refund.example.net>\r\nTo: " + CITIZEN + "\r\nSubject: " + RAW
            + "\r\nDate: Mon, 30 Nov 2026 10:00:00 +0800\r\nMessage-ID: <raw8@outside.example>\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n您的退税申请正在审核。\r\n")
            .getBytes(StandardCharsets.UTF_8));
        // GB18030 bytes that are not UTF-8 (older Chinese mail programs): the server reads them as GB18030
        system.injectFromOutside("notice@gbk-sender.example.net", CITIZEN, ("From: 个税服务提醒 <notice@gbk-sender.example.net>\r\nTo: "
            + CITIZEN + "\r\nSubject: " + GB18030 + "\r\nDate: Mon, 30 Nov 2026 11:00:00 +0800\r\nMessage-ID: <gb@outside.example>\r\n"
            + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=GB18030\r\nContent-Transfer-Encoding: 8bit\r\n\r\n请核对。\r\n")
            .getBytes(java.nio.charset.Charset.forName("GB18030")));
        reader = new WebClient("https://" + system.listener("webmail"), system.httpsClient(null, null));
        assertEquals(200, reader.login(CITIZEN, system.password(CITIZEN)).statusCode());
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> {
            String inbox = reader.get("/mail?f=INBOX").body();
            return inbox.contains(">" + RAW + "</span>") && inbox.contains("@gbk-sender.example.net");
        });
    }

    @Test
    void theIssuesWordsAreFoundInTheInbox() throws Exception {
        String tax = search("INBOX", "汇算清缴", false);
        assertTrue(tax.contains(">" + NOTICE + "</span>"), tax);
        assertFalse(tax.contains(">" + FORGED + "</span>"), tax);

        String refund = search("INBOX", "退税", false);
        assertTrue(refund.contains(">" + FORGED + "</span>") && refund.contains(">" + RAW + "</span>"), refund);
        assertFalse(refund.contains(">" + NOTICE + "</span>"), refund);

        String bureau = search("INBOX", "税务局", false);
        assertTrue(bureau.contains(">" + NOTICE + "</span>") && bureau.contains(">" + FORGED + "</span>")
            && bureau.contains(">" + RAW + "</span>"), bureau);

        String english = search("INBOX", "Welcome", false);
        assertTrue(english.contains(">欢迎 / Welcome</span>"), english);
    }

    @Test
    void aSubstringInsideAWordIsFound() throws Exception {
        String inner = search("INBOX", "算清", false);
        assertTrue(inner.contains(">" + NOTICE + "</span>"), inner);
        String nothing = search("INBOX", "汇算清缴退税", false);
        assertFalse(nothing.contains(">" + NOTICE + "</span>") || nothing.contains(">" + FORGED + "</span>"), nothing);
    }

    @Test
    void searchingAllFoldersFindsEveryFolder() throws Exception {
        String everywhere = search("INBOX", "退税", true);
        assertTrue(everywhere.contains(">" + FORGED + "</span>") && everywhere.contains(">" + FILED + "</span>")
            && everywhere.contains(">" + RAW + "</span>"), everywhere);
        String inboxOnly = search("INBOX", "退税", false);
        assertFalse(inboxOnly.contains(">" + FILED + "</span>"), inboxOnly);
    }

    @Test
    void rawUtf8HeadersFromOutsideAreListedReadably() throws Exception {
        String list = reader.get("/mail?f=INBOX").body();
        assertTrue(list.contains("杭州市税务局服务号"), list);
        assertFalse(list.contains("??????"), list);
        String byName = search("INBOX", "税务局服务号", false);
        assertTrue(byName.contains(">" + RAW + "</span>"), byName);
    }

    @Test
    void rawGb18030HeadersFromOutsideAreListedReadablyAndFound() throws Exception {
        String list = reader.get("/mail?f=INBOX").body();
        assertTrue(list.contains("<span class=\"name\">个税服务提醒</span>") && list.contains(">" + GB18030 + "</span>"), list);
        String found = search("INBOX", "汇算退税", false);
        assertTrue(found.contains(">" + GB18030 + "</span>"), found);
    }

    private static String search(String folder, String query, boolean allFolders) throws Exception {
        return reader.get("/mail?f=" + q(folder) + "&q=" + q(query) + (allFolders ? "&all=1" : "")).body();
    }

    private static String q(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String b64(String s) {
        return java.util.Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

}

package org.civicmail.webmail.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.Folder;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.MimeMessage;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.awaitility.Awaitility;
import org.civicmail.webmail.testkit.WebClient;
import org.civicmail.webmail.testkit.WholeSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17's "Chinese search finds nothing", on the whole system (`civicmail start --demo` with its webmail child):
 * the words of the issue ("退税", "税务局", "汇算清缴") are found by the real server's IMAP SEARCH through the webmail's
 * search box, in the current folder and in every folder, as is a substring inside a word, and a message from outside
 * with raw UTF-8 headers is listed and found by its Chinese display name and subject.
 */
class ChineseSearchSystemIT {
    static final String CITIZEN = "li.na@citizen.hangzhou.example";
    static final String NOTICE = "关于2026年度个人所得税综合所得汇算清缴的通知";
    static final String FORGED = "【紧急】您有一笔退税待领取";
    static final String FILED = "社保与退税办理指南";
    static final String RAW = "退税进度查询结果";

    @TempDir
    static Path tmp;
    static WholeSystem system;
    static WebClient reader;

    @BeforeAll
    static void start() throws Exception {
        system = WholeSystem.start(tmp);
        Properties p = new Properties();
        p.put("mail.imaps.ssl.socketFactory", trustingCityRoot());
        p.put("mail.imaps.ssl.checkserveridentity", "false");
        Session session = Session.getInstance(p);
        try (Store store = session.getStore("imaps")) {
            store.connect("127.0.0.1", system.port("imaps"), CITIZEN, system.password(CITIZEN));
            Folder filed = store.getFolder("社保");
            filed.create(Folder.HOLDS_MESSAGES);
            String message = "From: =?UTF-8?B?" + b64("杭州市社会保险管理服务中心") + "?= <si@gov.hangzhou.example>\r\n"
                + "To: " + CITIZEN + "\r\nSubject: =?UTF-8?B?" + b64(FILED) + "?=\r\nDate: Mon, 30 Nov 2026 09:00:00 +0800\r\n"
                + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                + b64("请按时缴纳社保。") + "\r\n";
            filed.appendMessages(new MimeMessage[] {new MimeMessage(session, new ByteArrayInputStream(message.getBytes(StandardCharsets.US_ASCII)))});
        }
        inject(("From: 杭州市税务局服务号 <service@hz-tax-refund.example.net>\r\nTo: " + CITIZEN + "\r\nSubject: " + RAW
            + "\r\nDate: Mon, 30 Nov 2026 10:00:00 +0800\r\nMessage-ID: <raw8@outside.example>\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n您的退税申请正在审核。\r\n")
            .getBytes(StandardCharsets.UTF_8));
        reader = new WebClient("https://" + system.listener("webmail"), system.httpsClient(null, null));
        assertEquals(200, reader.login(CITIZEN, system.password(CITIZEN)).statusCode());
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> reader.get("/mail?f=INBOX").body().contains(">" + RAW + "</span>"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (system != null) {
            system.close();
        }
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

    /** TLS trusting the city's CA certificates (those the server gave its webmail), as a mail client would. */
    private static javax.net.ssl.SSLSocketFactory trustingCityRoot() throws Exception {
        java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (var in = java.nio.file.Files.newInputStream(system.cityCertificates())) {
            int i = 0;
            for (java.security.cert.Certificate c : java.security.cert.CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("city-ca-" + i++, c);
            }
        }
        javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        javax.net.ssl.SSLContext tls = javax.net.ssl.SSLContext.getInstance("TLS");
        tls.init(null, tmf.getTrustManagers(), null);
        return tls.getSocketFactory();
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

    /** Inbound SMTP from outside, the message's bytes unchanged. */
    private static void inject(byte[] raw) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", system.port("smtp"))) {
            socket.setSoTimeout(60_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
            OutputStream out = socket.getOutputStream();
            expect(in, "220");
            for (String[] step : List.of(new String[] {"EHLO outside.example", "250"},
                    new String[] {"MAIL FROM:<service@hz-tax-refund.example.net>", "250"},
                    new String[] {"RCPT TO:<" + CITIZEN + ">", "250"}, new String[] {"DATA", "354"})) {
                out.write((step[0] + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                expect(in, step[1]);
            }
            out.write(raw);
            out.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            expect(in, "250");
        }
    }

    private static void expect(BufferedReader in, String code) throws Exception {
        String line;
        do {
            line = in.readLine();
        } while (line != null && line.length() > 3 && line.charAt(3) == '-');
        assertTrue(line != null && line.startsWith(code), "expected " + code + ", got " + line);
    }
}

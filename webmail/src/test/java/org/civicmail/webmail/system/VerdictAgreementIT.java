package org.civicmail.webmail.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.Address;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.Transport;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.util.CollectionStore;
import org.civicmail.webmail.testkit.TestPki;
import org.civicmail.webmail.testkit.WebClient;
import org.civicmail.webmail.testkit.WholeSystem;
import org.civicmail.webmail.tls.TrustAnchors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server's verdict header and the webmail's signature panel agree, on the whole system (`civicmail start --demo`
 * with its webmail child), for mail signed under a configured foreign trust anchor, under an anchor nobody configured,
 * and for the forgeries of issue 11 ("Why" 1–4, 7, 8): each message is delivered by the real server, its
 * {@code X-CivicMail-Signature} read over IMAP and its page read from the webmail over HTTPS.
 * <p>
 * The city-domain rule is off here so that city-signed mail can be replayed on the inbound port as a forwarder would
 * (with the rule on, the default, such mail is refused at DATA: {@code CityDomainIT}); an outside sender's forgeries
 * are then judged by their signatures alone, which is what this test is about.
 */
class VerdictAgreementIT {
    static final String CITIZEN = "li.na@citizen.hangzhou.example";
    /** Receives the originals the attacks below are made from; the attacks go to {@link #CITIZEN}. */
    static final String OTHER_CITIZEN = "wang.fang@citizen.hangzhou.example";
    static final String TAX = "tax-bureau@gov.hangzhou.example";
    static final String CLERK = "zhang.wei@gov.hangzhou.example";
    static final String PROVINCE_SENDER = "notice@province.example";
    static final String ELSEWHERE_SENDER = "clerk@elsewhere.example";
    static final String DIFFERS = "邮件服务器的检查结果与本页不同";

    @TempDir
    static Path tmp;
    static WholeSystem system;
    static WebClient reader;

    @BeforeAll
    static void deliverEveryCase() throws Exception {
        TestPki province = TestPki.create("Province");
        TestPki elsewhere = TestPki.create("Elsewhere");
        Path provinceRoot = tmp.resolve("province-root.pem");
        province.writeRootPem(provinceRoot);
        system = WholeSystem.start(tmp, Map.of("civicmail.smime.trust-anchors", provinceRoot.toString(),
            "civicmail.inbound.reject-city-from", "false"));

        // Foreign anchors: the province's root is configured, "Elsewhere"'s is not.
        inject(PROVINCE_SENDER, CITIZEN, TestPki.bytes(TestPki.signedProtected(
            province.person(PROVINCE_SENDER, "Province Notices", "Province"), PROVINCE_SENDER, CITIZEN,
            "Foreign anchor configured", "A notice from the province.")));
        inject(ELSEWHERE_SENDER, CITIZEN, TestPki.bytes(TestPki.signedProtected(
            elsewhere.person(ELSEWHERE_SENDER, "Elsewhere Clerk", "Elsewhere"), ELSEWHERE_SENDER, CITIZEN,
            "Foreign anchor not configured", "A notice from a CA nobody here trusts.")));

        // Why 2: a protected notice re-sent from outside with a new Subject, To, Date and a Reply-To to the attacker.
        MimeMessage why2 = TestPki.reparse(signedByServer(TAX, "Why2 original notice", "请于12月31日前完成汇算。"));
        why2 = TestPki.reheader(why2, "Subject", "Why2 urgent refund reply with your card");
        why2 = TestPki.reheader(why2, "To", "victim@citizen.hangzhou.example");
        why2 = TestPki.reheader(why2, "Date", "Tue, 1 Dec 2026 08:00:00 +0800");
        why2 = TestPki.reheader(why2, "Reply-To", "x@evil.example");
        inject("forwarder@relay.example", CITIZEN, TestPki.bytes(why2));

        // Why 3: an extra MIME part appended inside multipart/signed.
        inject("forwarder@relay.example", CITIZEN, appendPart(signedByServer(TAX, "Why3 appended part", "应缴 1200 元。"),
            "Content-Type: text/plain; charset=UTF-8\r\n\r\nPAY TO ACCOUNT 123 456 789\r\n"));

        // Why 4: unsigned mail claiming an official sender: the address itself, a group, a display name.
        inject("forwarder@relay.example", CITIZEN, unsigned(TAX, "Why4 unsigned official"));
        inject("forwarder@relay.example", CITIZEN, unsigned("x:" + TAX + ";", "Why4 group official"));
        inject("forwarder@relay.example", CITIZEN, unsigned("\"" + TAX + "\" <refund@evil.example>", "Why4 display name"));

        // Why 7: nested 8bit text and HTML with '=' in a link, signed by the server.
        MimeMessage nested = new MimeMessage(Session.getInstance(new Properties()));
        nested.setFrom(new InternetAddress(TAX));
        nested.setRecipients(Message.RecipientType.TO, CITIZEN);
        nested.setSubject("Why7 nested 8bit parts");
        MimeMultipart mixed = new MimeMultipart("mixed");
        mixed.addBodyPart(eightBit("text/plain; charset=UTF-8", "应纳税额=1200元，请于12月31日前缴纳。\r\n"));
        mixed.addBodyPart(eightBit("text/html; charset=UTF-8",
            "<p>应纳税额=1200元 <a href=\"https://tax.example/pay?a=1&b=20\">缴费</a></p>\r\n"));
        nested.setContent(mixed);
        nested.saveChanges();
        submit(TAX, nested, CITIZEN);

        // Why 8: a client Date before the certificate was issued.
        MimeMessage oldDate = plain(TAX, CITIZEN, "Why8 client date in 2018", "Date 2018.");
        oldDate.setHeader("Date", "Mon, 1 Jan 2018 00:00:00 +0000");
        submit(TAX, oldDate, CITIZEN);

        // Why 1, last (it revokes a certificate): a signature carrying only the leaf, after the revocation. The clerk
        // signs nothing else here, so neither the server nor the webmail has seen the certificate before.
        byte[] clerkSigned = signedByServer(CLERK, "Why1 leaf only after revocation", "第二季度补贴发放通知。");
        String serial = serialIn(serverVerdict(OTHER_CITIZEN, "Why1 leaf only after revocation"));
        system.cli("ca", "revoke", "--serial", "0x" + serial, "--reason", "keyCompromise");
        inject("forwarder@relay.example", CITIZEN, leafOnly(clerkSigned));

        reader = new WebClient("https://" + system.listener("webmail"), system.httpsClient(null, null));
        assertEquals(200, reader.login(CITIZEN, system.password(CITIZEN)).statusCode());
    }

    @AfterAll
    static void stop() throws Exception {
        if (system != null) {
            system.close();
        }
    }

    @Test
    void aSignatureUnderTheConfiguredForeignAnchorIsValidOnTheServerAndInThePanel() throws Exception {
        String server = serverVerdict(CITIZEN, "Foreign anchor configured");
        // The province names no OCSP responder or CRL: both say valid and that revocation could not be checked.
        assertTrue(server.startsWith("valid; signer=\"" + PROVINCE_SENDER + "\"") && server.contains("revocation=unknown"), server);
        String page = page("Foreign anchor configured");
        assertTrue(page.contains("data-state=\"valid\""), page);
        assertTrue(page.contains("未能向证书机构确认证书是否被吊销"), page);
        assertFalse(page.contains(DIFFERS), page);
    }

    @Test
    void aSignatureUnderAnAnchorNobodyConfiguredIsUnknownCaOnTheServerAndInThePanel() throws Exception {
        // Attack: a CA of one's own making, its certificates attached to the signature.
        assertTrue(serverVerdict(CITIZEN, "Foreign anchor not configured").startsWith("invalid; reason=unknown-ca"));
        String page = page("Foreign anchor not configured");
        assertTrue(page.contains("data-state=\"invalid\""), page);
        assertTrue(page.contains("证书颁发者未知：不是本市证书机构，也不是本市信任的其他证书机构"), page);
        assertFalse(page.contains(DIFFERS), page);
    }

    @Test
    void why1ALeafOnlySignatureAfterRevocationIsRevokedOnTheServerAndInThePanel() throws Exception {
        String server = serverVerdict(CITIZEN, "Why1 leaf only after revocation");
        assertTrue(server.startsWith("invalid; reason=revoked; signer=\"" + CLERK + "\"") && server.contains("revoked-at="), server);
        String page = page("Why1 leaf only after revocation");
        assertTrue(page.contains("data-state=\"invalid\""), page);
        assertTrue(Pattern.compile("<p class=\"reason\" id=\"signature-reason\">证书已于 \\d{4}-\\d{2}-\\d{2} 吊销</p>")
            .matcher(page).find(), page);
        assertFalse(page.contains(DIFFERS), page);
    }

    @Test
    void why2AReSentNoticeIsAHeaderMismatchNamingTheFieldsOnTheServerAndInThePanel() throws Exception {
        String server = serverVerdict(CITIZEN, "Why2 urgent refund reply with your card");
        assertTrue(server.startsWith("invalid; reason=header-mismatch; header=\""), server);
        for (String field : List.of("To", "Subject", "Date", "Reply-To")) {
            assertTrue(server.matches("[^;]+; [^;]+; header=\"[^\"]*\\b" + field + "\\b[^\"]*\".*"), field + " in " + server);
        }
        String page = page("Why2 urgent refund reply with your card");
        assertTrue(page.contains("data-state=\"invalid\""), page);
        Matcher reason = Pattern.compile("<p class=\"reason\" id=\"signature-reason\">签名后邮件头被改动：([^<]+)</p>").matcher(page);
        assertTrue(reason.find(), page);
        for (String field : List.of("收件人", "主题", "日期", "回复地址")) {
            assertTrue(reason.group(1).contains(field), field + " in " + reason.group(1));
        }
        // The Reply-To the attacker added is shown, so Reply cannot silently go there.
        assertTrue(page.contains("id=\"reply-to\"><span class=\"addr\">x@evil.example</span>"), page);
        assertFalse(page.contains(DIFFERS), page);
    }

    @Test
    void why3AnAppendedPartInsideMultipartSignedIsMalformedOnTheServerAndInThePanel() throws Exception {
        assertTrue(serverVerdict(CITIZEN, "Why3 appended part").startsWith("invalid; reason=malformed"));
        String page = page("Why3 appended part");
        assertTrue(page.contains("data-state=\"invalid\""), page);
        assertTrue(page.contains("<p class=\"reason\" id=\"signature-reason\">签名已损坏，无法检查</p>"), page);
        assertFalse(page.contains(DIFFERS), page);
    }

    @Test
    void why4UnsignedOfficialSendersAreWarnedOnTheServerAndInThePage() throws Exception {
        for (String subject : List.of("Why4 unsigned official", "Why4 group official")) {
            assertEquals("none", serverVerdict(CITIZEN, subject), subject);
            assertEquals("unsigned-official-sender", serverHeader(CITIZEN, subject, "X-CivicMail-Warning"), subject);
            String page = page(subject);
            assertTrue(page.contains("data-state=\"unsigned\""), page);
            assertTrue(page.contains("此邮件自称来自政府机关，但没有有效签名"), page);
        }
        assertEquals("display-name-impersonation", serverHeader(CITIZEN, "Why4 display name", "X-CivicMail-Warning"));
        String page = page("Why4 display name");
        assertTrue(page.contains("data-trust=\"unverified\""), page);
        assertTrue(page.contains("冒用了本市机构的名称") && page.contains("refund@evil.example"), page);
    }

    @Test
    void why7NestedPartsSignedByTheServerDecodeAsWrittenAndAreValidOnBothSides() throws Exception {
        assertTrue(serverVerdict(CITIZEN, "Why7 nested 8bit parts").startsWith("valid; signer=\"" + TAX + "\""));
        MimeMessage stored = TestPki.reparse(rawFromInbox(CITIZEN, "Why7 nested 8bit parts"));
        MimeMultipart signed = (MimeMultipart) stored.getContent();
        MimeMultipart mixed = (MimeMultipart) signed.getBodyPart(0).getContent();
        assertEquals("应纳税额=1200元，请于12月31日前缴纳。\r\n", mixed.getBodyPart(0).getContent());
        assertEquals("<p>应纳税额=1200元 <a href=\"https://tax.example/pay?a=1&b=20\">缴费</a></p>\r\n",
            mixed.getBodyPart(1).getContent());
        String page = page("Why7 nested 8bit parts");
        assertTrue(page.contains("data-state=\"valid\""), page);
        assertTrue(page.contains("应纳税额=1200元"), page);
        assertFalse(page.contains(DIFFERS), page);
    }

    @Test
    void why8AClientDateBeforeTheCertificateStillGivesAValidSignatureOnBothSides() throws Exception {
        assertTrue(serverVerdict(CITIZEN, "Why8 client date in 2018").startsWith("valid; signer=\"" + TAX + "\""));
        assertEquals(null, serverHeader(CITIZEN, "Why8 client date in 2018", "X-CivicMail-Warning"));
        String page = page("Why8 client date in 2018");
        assertTrue(page.contains("data-state=\"valid\""), page);
        assertFalse(page.contains(DIFFERS), page);
    }

    // ---- delivery ----

    /** Mail from outside, straight to the inbound {@code smtp} listener, as a foreign server (or a forger) sends it. */
    static void inject(String envelopeFrom, String recipient, byte[] raw) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", system.port("smtp"))) {
            socket.setSoTimeout(60_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
            OutputStream out = socket.getOutputStream();
            reply(in, "220");
            for (String[] step : List.of(new String[] {"EHLO relay.example", "250"},
                    new String[] {"MAIL FROM:<" + envelopeFrom + ">", "250"}, new String[] {"RCPT TO:<" + recipient + ">", "250"},
                    new String[] {"DATA", "354"})) {
                out.write((step[0] + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                reply(in, step[1]);
            }
            String text = new String(raw, StandardCharsets.ISO_8859_1).replaceAll("\r?\n", "\r\n");
            out.write(text.replaceAll("(?m)^\\.", "..").getBytes(StandardCharsets.ISO_8859_1));
            out.write((text.endsWith("\r\n") ? ".\r\n" : "\r\n.\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            reply(in, "250");
            out.write("QUIT\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }
    }

    private static void reply(BufferedReader in, String expected) throws Exception {
        String line;
        StringBuilder all = new StringBuilder();
        do {
            line = in.readLine();
            assertTrue(line != null, "connection closed after " + all);
            all.append(line).append('\n');
        } while (line.length() > 3 && line.charAt(3) == '-');
        assertTrue(line.startsWith(expected), "expected " + expected + ", got " + all);
    }

    /** Submission with STARTTLS and AUTH as {@code from} (a demo account), to the envelope {@code recipients}. */
    static void submit(String from, MimeMessage message, String... recipients) throws Exception {
        Properties p = new Properties();
        p.put("mail.smtp.host", "127.0.0.1");
        p.put("mail.smtp.port", String.valueOf(system.port("submission")));
        p.put("mail.smtp.auth", "true");
        p.put("mail.smtp.starttls.enable", "true");
        p.put("mail.smtp.starttls.required", "true");
        p.put("mail.smtp.ssl.socketFactory", TrustAnchors.socketFactory(TrustAnchors.load(system.cityCertificates())));
        MimeMessage m = new MimeMessage(Session.getInstance(p), new java.io.ByteArrayInputStream(TestPki.bytes(message)));
        Address[] to = new Address[recipients.length];
        for (int i = 0; i < recipients.length; i++) {
            to[i] = new InternetAddress(recipients[i]);
        }
        Transport.send(m, to, from, system.password(from));
    }

    /**
     * The bytes of a message {@code sender} submits (the server signs it, with header protection), as delivered to
     * {@link #OTHER_CITIZEN}; its To names {@link #CITIZEN}, whom the attacks built from it are sent to.
     */
    static byte[] signedByServer(String sender, String subject, String body) throws Exception {
        submit(sender, plain(sender, CITIZEN, subject, body), OTHER_CITIZEN);
        assertTrue(serverVerdict(OTHER_CITIZEN, subject).startsWith("valid; signer=\"" + sender + "\""));
        return rawFromInbox(OTHER_CITIZEN, subject);
    }

    static MimeMessage plain(String from, String to, String subject, String body) throws Exception {
        MimeMessage m = new MimeMessage(Session.getInstance(new Properties()));
        m.setFrom(new InternetAddress(from));
        m.setRecipients(Message.RecipientType.TO, to);
        m.setSubject(subject, "UTF-8");
        m.setSentDate(new java.util.Date());
        m.setText(body, "UTF-8");
        m.saveChanges();
        return m;
    }

    static byte[] unsigned(String fromField, String subject) {
        return ("From: " + fromField + "\r\nTo: " + CITIZEN + "\r\nSubject: " + subject + "\r\nDate: "
            + new jakarta.mail.internet.MailDateFormat().format(new java.util.Date()) + "\r\nMessage-ID: <" + subject.hashCode()
            + ".unsigned@relay.example>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n"
            + "Please pay the outstanding tax to account 123.\r\n").getBytes(StandardCharsets.UTF_8);
    }

    static MimeBodyPart eightBit(String contentType, String text) throws Exception {
        MimeBodyPart part = new MimeBodyPart();
        part.setContent(text, contentType);
        part.setHeader("Content-Type", contentType);
        part.setHeader("Content-Transfer-Encoding", "8bit");
        return part;
    }

    // ---- attacks on the bytes ----

    /** The same message with a third part before the closing boundary of its multipart/signed. */
    static byte[] appendPart(byte[] raw, String part) throws Exception {
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        String close = "\r\n--" + boundary(raw) + "--";
        int at = text.lastIndexOf(close);
        assertTrue(at > 0, "no closing boundary");
        return (text.substring(0, at) + "\r\n--" + boundary(raw) + "\r\n" + part + text.substring(at))
            .getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The same message with only the signer's own certificate in its CMS (no issuing CA to check a CRL with). */
    static byte[] leafOnly(byte[] raw) throws Exception {
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        String delimiter = "\r\n--" + boundary(raw);
        int second = text.indexOf(delimiter, text.indexOf(delimiter) + delimiter.length());
        int close = text.lastIndexOf(delimiter + "--");
        int body = text.indexOf("\r\n\r\n", second) + 4;
        CMSSignedData cms = new CMSSignedData(Base64.getMimeDecoder().decode(text.substring(body, close)));
        SignerInformation signer = cms.getSignerInfos().getSigners().iterator().next();
        @SuppressWarnings("unchecked")
        Collection<X509CertificateHolder> leaf = cms.getCertificates().getMatches(signer.getSID());
        assertEquals(1, leaf.size());
        assertTrue(cms.getCertificates().getMatches(null).size() > 1, "the server's signature carries its chain");
        CMSSignedData stripped = CMSSignedData.replaceCertificatesAndCRLs(cms, new CollectionStore<>(leaf), null, null);
        String encoded = Base64.getMimeEncoder(76, "\r\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(stripped.getEncoded());
        return (text.substring(0, body) + encoded + text.substring(close)).getBytes(StandardCharsets.ISO_8859_1);
    }

    static String boundary(byte[] raw) throws Exception {
        return new ContentType(TestPki.reparse(raw).getContentType()).getParameter("boundary");
    }

    // ---- reading: the server's header over IMAP, the webmail's page over HTTPS ----

    static String serverVerdict(String user, String subject) throws Exception {
        return serverHeader(user, subject, "X-CivicMail-Signature");
    }

    /** One header of the message with this subject in {@code user}'s INBOX, waiting for its delivery; null if absent. */
    static String serverHeader(String user, String subject, String header) throws Exception {
        String[] value = new String[1];
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> withMessage(user, subject, m -> {
            String[] values = m.getHeader(header);
            value[0] = values == null ? null : String.join(",", values);
        }));
        return value[0];
    }

    static byte[] rawFromInbox(String user, String subject) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> withMessage(user, subject, m -> m.writeTo(out)));
        return out.toByteArray();
    }

    interface MessageUse {
        void accept(Message m) throws Exception;
    }

    /** Runs {@code use} on the message with this subject (IMAP over STARTTLS); false while it is not there yet. */
    static boolean withMessage(String user, String subject, MessageUse use) throws Exception {
        Properties p = new Properties();
        p.put("mail.imap.starttls.enable", "true");
        p.put("mail.imap.starttls.required", "true");
        p.put("mail.imap.ssl.socketFactory", TrustAnchors.socketFactory(TrustAnchors.load(system.cityCertificates())));
        String[] hostPort = system.listener("imap").split(":");
        try (Store store = Session.getInstance(p).getStore("imap")) {
            store.connect(hostPort[0], Integer.parseInt(hostPort[1]), user, system.password(user));
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            for (Message m : inbox.getMessages()) {
                if (subject.equals(m.getSubject())) {
                    use.accept(m);
                    return true;
                }
            }
        }
        return false;
    }

    static String serialIn(String verdict) {
        Matcher m = Pattern.compile("serial=([0-9a-f]+)").matcher(verdict);
        assertTrue(m.find(), verdict);
        return m.group(1);
    }

    /** The webmail's page of the message with this subject in the citizen's inbox, as she opens it. */
    static String page(String subject) throws Exception {
        serverVerdict(CITIZEN, subject); // delivered
        String list = reader.get("/mail?f=INBOX").body();
        Matcher m = Pattern.compile("id=\"open-(\\d+)\">(?:(?!</a>).)*?<span class=\"subj\"[^>]*>"
            + Pattern.quote(subject) + "</span>", Pattern.DOTALL).matcher(list);
        assertTrue(m.find(), "no '" + subject + "' in\n" + list);
        var page = reader.get("/mail/msg?f=INBOX&uid=" + m.group(1));
        assertEquals(200, page.statusCode(), page.body());
        return page.body();
    }
}

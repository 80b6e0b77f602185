package org.civicmail.webmail.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.civicmail.webmail.testkit.WebClient;
import org.civicmail.webmail.testkit.WholeSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * What the README promises, in a real browser: `civicmail start --demo` (the whole system: James, CA, webmail
 * child JVM), log in as the demo citizen, open the tax bureau's signed notice and see who signed it; open the
 * forged "official" message and see the warning. Needs mail-server built first (the reactor does that).
 */
class WholeSystemBrowserIT {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final String CITIZEN = "li.na@citizen.hangzhou.example";

    @TempDir
    static Path tmp;
    static WholeSystem system;
    static WebDriver driver;

    @BeforeAll
    static void startSystem() throws Exception {
        system = WholeSystem.start(tmp);

        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        // The browser does not know the city's root CA; a person imports root.pem (README), the test accepts it.
        options.setAcceptInsecureCerts(true);
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-dev-shm-usage", "--user-data-dir=" + Files.createDirectories(tmp.resolve("chromium")), "--window-size=1200,900",
            "--lang=zh-CN");
        ChromeDriverService service = new ChromeDriverService.Builder()
            .usingDriverExecutable(new java.io.File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        // Elements of the next page may appear only after a click's navigation has finished.
        driver.manage().timeouts().implicitlyWait(java.time.Duration.ofSeconds(10));
    }

    @AfterAll
    static void stopSystem() throws Exception {
        if (driver != null) {
            driver.quit();
        }
        if (system != null) {
            system.close();
        }
    }

    static String base() {
        return "https://" + system.listener("webmail");
    }

    static void screenshot(String name) throws Exception {
        String dir = System.getProperty("civicmail.screenshots");
        if (dir != null) {
            Files.createDirectories(Path.of(dir));
            Files.write(Path.of(dir, name), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
        }
    }

    @Test
    void aCitizenOpensTheSignedDemoNoticeAndSeesWhoSignedItAndTheForgeryIsFlagged() throws Exception {
        driver.get(base() + "/login");
        driver.findElement(By.id("user")).sendKeys(CITIZEN);
        driver.findElement(By.id("password")).sendKeys(system.password(CITIZEN));
        driver.findElement(By.id("login-submit")).click();
        // The click returns when the form is submitted, not when the redirect to the inbox has loaded.
        new org.openqa.selenium.support.ui.WebDriverWait(driver, java.time.Duration.ofSeconds(20))
            .until(org.openqa.selenium.support.ui.ExpectedConditions.urlMatches("/mail$"));
        screenshot("system-inbox.png");

        driver.findElement(By.partialLinkText("关于2026年度个人所得税综合所得汇算清缴的通知")).click();
        WebElement panel = driver.findElement(By.id("signature-panel"));
        panel.findElement(By.tagName("summary")).click();
        assertEquals("valid", panel.getAttribute("data-state"), panel.getText());
        assertTrue(panel.getText().contains("杭州市税务局"), panel.getText());
        assertTrue(panel.getText().contains("tax-bureau@gov.hangzhou.example"), panel.getText());
        screenshot("system-signed-notice.png");

        driver.get(base() + "/mail");
        driver.findElement(By.partialLinkText("【紧急】您有一笔退税待领取")).click();
        WebElement forged = driver.findElement(By.id("signature-panel"));
        assertTrue(!"valid".equals(forged.getAttribute("data-state")), forged.getText());
        String page = driver.findElement(By.tagName("body")).getText();
        assertTrue(page.contains("此邮件自称来自政府机关，但没有有效签名"), page);
        screenshot("system-forged-official.png");
    }

    /** Runs `civicmail ARGS` against the running system (it goes over the admin API), as an administrator would. */
    static String cli(String... args) throws Exception {
        return system.cli(args);
    }

    /** HTTPS client trusting the city root; with {@code p12} it presents that client certificate. */
    static java.net.http.HttpClient clientWith(Path p12, char[] password) throws Exception {
        return system.httpsClient(p12, password);
    }

    @Test
    void certificateLoginThroughTheRealServerOpensTheCertificatesMailboxAndARevokedOneIsRefused() throws Exception {
        Path password = Files.writeString(tmp.resolve("p12.pw"), "client-cert-pw-1");
        Path good = tmp.resolve("li.na.p12");
        cli("account", "certificate", CITIZEN, "--p12", good.toString(), "--p12-password-file", password.toString());
        WebClient client = new WebClient(base(), clientWith(good, "client-cert-pw-1".toCharArray()));
        var login = client.get("/login/cert");
        assertEquals(303, login.statusCode(), login.body());
        var inbox = client.follow(login);
        assertEquals(200, inbox.statusCode(), login.headers().map() + "\n" + inbox.body());
        assertTrue(inbox.body().contains(CITIZEN), "the certificate's address picked the mailbox");
        assertTrue(inbox.body().contains("关于2026年度个人所得税综合所得汇算清缴的通知"), inbox.body());

        Path revoked = tmp.resolve("li.na-revoked.p12");
        String issued = cli("account", "certificate", CITIZEN, "--p12", revoked.toString(), "--p12-password-file", password.toString());
        java.util.regex.Matcher serial = java.util.regex.Pattern.compile("serial ([0-9a-f]+)").matcher(issued);
        assertTrue(serial.find(), issued);
        cli("ca", "revoke", "--serial", "0x" + serial.group(1), "--reason", "keyCompromise");
        var refused = new WebClient(base(), clientWith(revoked, "client-cert-pw-1".toCharArray())).get("/login/cert");
        assertEquals(403, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("您的证书已被吊销，不能用于登录。"), refused.body());
    }

    static final String WATER = "westlake-water@corp.hangzhou.example";

    @Test
    void aCertificateLoginUserSendsSignedMailAsHerselfAndDisablingEndsItAll() throws Exception {
        Path password = Files.writeString(tmp.resolve("water.pw"), "client-cert-pw-2");
        Path p12 = tmp.resolve("water.p12");
        cli("account", "certificate", WATER, "--p12", p12.toString(), "--p12-password-file", password.toString());
        WebClient water = new WebClient(base(), clientWith(p12, "client-cert-pw-2".toCharArray()));
        assertEquals(303, water.get("/login/cert").statusCode());
        String form = water.get("/compose").body();
        var sent = water.post("/compose", Map.of("csrf", WebClient.csrf(form), "to", CITIZEN,
            "subject", "证书登录发信 水费", "body", "您好，本月水费已出账。", "action", "send"));
        assertEquals(303, sent.statusCode(), sent.body());
        // The citizen gets it from the company itself, signed with the company's own certificate.
        String[] verdict = new String[1];
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).until(() -> {
            verdict[0] = inboxHeader(CITIZEN, "证书登录发信 水费", "X-CivicMail-Signature");
            return verdict[0] != null;
        });
        assertTrue(verdict[0].startsWith("valid; signer=\"" + WATER + "\"; serial="), verdict[0]);
        assertEquals(WATER, inboxHeader(CITIZEN, "证书登录发信 水费", "From"));

        String disabled = cli("account", "disable", WATER);
        assertTrue(disabled.contains("(cessationOfOperation)"), disabled);
        // The open webmail session ends at once (the server tells the webmail), not at idle expiry.
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20))
            .until(() -> water.get("/mail").statusCode() == 303);
        // Attack: sign in again with the certificate exported before the account was disabled.
        var again = new WebClient(base(), clientWith(p12, "client-cert-pw-2".toCharArray())).get("/login/cert");
        assertEquals(403, again.statusCode(), again.body());
        String show = cli("account", "show", WATER);
        assertTrue(show.contains("status:        disabled") && show.contains("(cessationOfOperation)"), show);
        assertTrue(!show.contains("  good  "), show);
        cli("account", "enable", WATER);
    }

    @Test
    void webmailPasswordGuessesAreThrottledByTheServerPerBrowserAddress() throws Exception {
        // The owner signs in first from her usual address (127.0.0.1).
        WebClient owner = new WebClient(base(), clientWith(null, null));
        assertEquals(200, owner.login(CITIZEN, system.password(CITIZEN)).statusCode());
        // Attack: password guessing through the webmail from another address (curl bound to 127.0.0.5).
        Path jar = tmp.resolve("guesser.cookies");
        boolean throttled = false;
        for (int i = 0; i < 12 && !throttled; i++) {
            String page = curl(jar, "/login", null);
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(page);
            assertTrue(m.find(), page);
            String reply = curl(jar, "/login", "csrf=" + m.group(1) + "&user=" + CITIZEN + "&password=guess-" + i);
            throttled = reply.startsWith("429") && reply.contains("尝试次数过多");
            assertTrue(throttled || reply.startsWith("401"), reply);
        }
        assertTrue(throttled, "12 wrong passwords in a row were never throttled");
        // The server saw the browser's address, not the webmail's own.
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() ->
            Files.readString(tmp.resolve("server.err")).contains("login refused: protocol=imap account=" + CITIZEN
                + " client=127.0.0.5 reason=bad credentials"));
        // The owner's address is not held back by the guesser's failures.
        WebClient ownerAgain = new WebClient(base(), clientWith(null, null));
        assertEquals(200, ownerAgain.login(CITIZEN, system.password(CITIZEN)).statusCode());
    }

    /** One request with curl from 127.0.0.5 (status line first, then the body); POST when {@code form} is set. */
    static String curl(Path jar, String path, String form) throws Exception {
        List<String> command = new ArrayList<>(List.of("curl", "-s", "--interface", "127.0.0.5", "--cacert",
            tmp.resolve("data/webmail/root-ca.pem").toString(), "-b", jar.toString(), "-c", jar.toString(),
            "-w", "%{http_code}\\n", "-o", tmp.resolve("curl.body").toString()));
        if (form != null) {
            command.addAll(List.of("--data", form));
        }
        command.add(base() + path);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String status = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return status + "\n" + Files.readString(tmp.resolve("curl.body"));
    }

    /** A header of the message with this subject in {@code user}'s INBOX (IMAP over STARTTLS), or null. */
    static String inboxHeader(String user, String subject, String header) throws Exception {
        java.util.Properties p = new java.util.Properties();
        p.put("mail.imap.starttls.enable", "true");
        p.put("mail.imap.starttls.required", "true");
        p.put("mail.imap.ssl.socketFactory", org.civicmail.webmail.tls.TrustAnchors.socketFactory(
            org.civicmail.webmail.tls.TrustAnchors.load(tmp.resolve("data/webmail/root-ca.pem"))));
        String[] hostPort = system.listener("imap").split(":");
        try (jakarta.mail.Store store = jakarta.mail.Session.getInstance(p).getStore("imap")) {
            store.connect(hostPort[0], Integer.parseInt(hostPort[1]), user, system.password(user));
            jakarta.mail.Folder inbox = store.getFolder("INBOX");
            inbox.open(jakarta.mail.Folder.READ_ONLY);
            for (jakarta.mail.Message m : inbox.getMessages()) {
                if (subject.equals(m.getSubject())) {
                    if (header.equals("From")) {
                        return ((jakarta.mail.internet.InternetAddress) m.getFrom()[0]).getAddress();
                    }
                    String[] values = m.getHeader(header);
                    return values == null ? null : values[0];
                }
            }
        }
        return null;
    }
}

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
    static Process server;
    static final Map<String, String> listeners = new HashMap<>();
    static final Map<String, String> demoPasswords = new HashMap<>();
    static WebDriver driver;

    @BeforeAll
    static void startSystem() throws Exception {
        String classpath = ROOT.resolve("mail-server/target/classes") + java.io.File.pathSeparator
            + Files.readString(ROOT.resolve("mail-server/target/civicmail.classpath")).trim();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx768m", "-Dcivicmail.home=" + ROOT, "-cp", classpath, "org.civicmail.cli.Main", "start", "--demo",
            "--data", tmp.resolve("data").toString(), "--conf", ROOT.resolve("conf").toString()));
        for (String key : List.of("smtp", "submission", "imap", "imaps", "webadmin", "admin", "ca", "broadcast", "webmail")) {
            command.add("-Dcivicmail." + key + ".port=0");
        }
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(tmp.resolve("server.err").toFile());
        pb.environment().remove("CIVICMAIL_CA_PASSPHRASE");
        pb.environment().remove("CIVICMAIL_CA_PASSPHRASE_FILE");
        server = pb.start();
        CompletableFuture<Void> ready = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    String[] parts = line.trim().split("\\s+");
                    if (parts.length == 3 && parts[1].contains("@")) {
                        demoPasswords.put(parts[1], parts[2]);
                    } else if (parts.length == 2 && parts[1].matches("[0-9.]+:\\d+")) {
                        listeners.put(parts[0], parts[1]);
                        if (parts[0].equals("webmail")) {
                            ready.complete(null);
                        }
                    }
                }
            } catch (Exception e) {
                ready.completeExceptionally(e);
            }
            ready.completeExceptionally(new IllegalStateException("server exited before the webmail was ready"));
        }, "system-output");
        reader.setDaemon(true);
        reader.start();
        try {
            ready.get(240, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("system did not start; stderr:\n" + Files.readString(tmp.resolve("server.err")), e);
        }

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
        if (server != null) {
            server.destroy();
            if (!server.waitFor(60, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
    }

    static String base() {
        return "https://" + listeners.get("webmail");
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
        driver.findElement(By.id("password")).sendKeys(demoPasswords.get(CITIZEN));
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
        String classpath = ROOT.resolve("mail-server/target/classes") + java.io.File.pathSeparator
            + Files.readString(ROOT.resolve("mail-server/target/civicmail.classpath")).trim();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp", classpath, "org.civicmail.cli.Main"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("CIVICMAIL_DATA", tmp.resolve("data").toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    static java.net.http.HttpClient clientWith(Path p12, char[] password) throws Exception {
        java.security.KeyStore identity = java.security.KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(p12)) {
            identity.load(in, password);
        }
        javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance(javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(identity, password);
        java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (var in = Files.newInputStream(tmp.resolve("data/webmail/root-ca.pem"))) {
            trust.setCertificateEntry("city-root", java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        javax.net.ssl.SSLContext tls = javax.net.ssl.SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return java.net.http.HttpClient.newBuilder().sslContext(tls).followRedirects(java.net.http.HttpClient.Redirect.NEVER).build();
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
}

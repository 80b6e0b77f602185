package org.civicmail.webmail.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.civicmail.verdict.revocation.RevocationStatus;
import org.civicmail.webmail.testkit.Mails;
import org.civicmail.webmail.testkit.TestPki;
import org.civicmail.webmail.testkit.WebmailFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Real-browser tests in headless Chromium (Debian's chromium + chromium-driver). With
 * {@code -Dwebmail.screenshots=DIR} it also saves screenshots of the inbox and a signed message.
 */
class BrowserIT {

    static final String USER = "zhang.wei@city.test";
    static final String PW = "browser-pw";
    static WebmailFixture fx;
    static WebDriver driver;
    static Path profile;

    @BeforeAll
    static void start() throws Exception {
        TestPki pki = TestPki.create("Browser City");
        TestPki.Entity water = pki.person("billing@water.city.test", "王明", "市自来水公司");
        TestPki.Entity civil = pki.person("notice@gov.city.test", "李华", "市民政局");
        fx = new WebmailFixture(pki, (c, i) -> RevocationStatus.good());
        fx.user(USER, PW);
        fx.append(USER, PW, "INBOX", true,
                Mails.text("friend@city.test", USER, "周末聚会", "周六下午三点，老地方见。"),
                Mails.text("library@city.test", USER, "图书到期提醒", "您借阅的图书将于下周到期。"));
        fx.append(USER, PW, "INBOX", false,
                Mails.html("attacker@evil.test", USER, "XSS test", String.join("\n",
                        "<p>Harmless looking text</p>",
                        "<script>window.pwned = 'script'; alert('script')</script>",
                        "<img src=\"x\" onerror=\"window.pwned='onerror'; alert('onerror')\">",
                        "<a id=\"jslink\" href=\"javascript:window.pwned='link'\">click me</a>",
                        "<svg onload=\"window.pwned='svg'\"></svg>",
                        "<iframe srcdoc=\"<script>parent.pwned='iframe'</script>\"></iframe>",
                        "<body onload=\"window.pwned='body'\">",
                        "<meta http-equiv=\"refresh\" content=\"0;url=javascript:window.pwned='meta'\">",
                        "<style>#signature-panel{display:none} body{background:url(javascript:window.pwned='css')}</style>",
                        "<div style=\"position:fixed;top:0;left:0;width:100%;height:100%;background:#fff\">Fake valid signature</div>",
                        "<object data=\"javascript:window.pwned='object'\"></object>",
                        "<form action=\"https://evil.test/\"><input name=\"password\"></form>")),
                TestPki.signed(civil, "notice@gov.city.test", USER, "关于2026年社保缴费基数调整的通知",
                        "各位市民：\n\n自2026年7月1日起，本市社保缴费基数调整为每月 8,500 元。\n\n市民政局", false, Instant.now()),
                TestPki.tamper(TestPki.signed(water, "billing@water.city.test", USER, "Water bill May",
                        "Amount due: 100 CNY", false, Instant.now()), "Amount due: 100", "Amount due: 900"));
        fx.append(USER, PW, "账单", false, TestPki.signed(water, "billing@water.city.test", USER, "五月水费账单",
                "尊敬的用户：本月水费 42.00 元，请于6月15日前缴纳。", false, Instant.now()));

        profile = Files.createTempDirectory("chromium-profile");
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--window-size=1200,900", "--lang=zh-CN");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new java.io.File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        // Elements of the next page may appear only after a click's navigation has finished.
        driver.manage().timeouts().implicitlyWait(java.time.Duration.ofSeconds(10));
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        login();
    }

    @AfterAll
    static void stop() {
        if (driver != null) {
            driver.quit();
        }
        if (fx != null) {
            fx.close();
        }
    }

    static void login() {
        driver.get(fx.baseUrl() + "/login");
        driver.findElement(By.id("user")).sendKeys(USER);
        driver.findElement(By.id("password")).sendKeys(PW);
        driver.findElement(By.id("login-submit")).click();
        // The click returns when the form is submitted, not when the redirect to the inbox has loaded.
        new org.openqa.selenium.support.ui.WebDriverWait(driver, java.time.Duration.ofSeconds(20))
            .until(org.openqa.selenium.support.ui.ExpectedConditions.urlMatches("/mail$"));
    }

    /** Opens a message by tapping its list row (the whole row is the link). */
    static void open(String subject) {
        driver.get(fx.baseUrl() + "/mail");
        driver.findElement(By.partialLinkText(subject)).click();
    }

    /** Opens the collapsed signature details so their text is visible. */
    static WebElement expandedPanel() {
        WebElement panel = driver.findElement(By.id("signature-panel"));
        panel.findElement(By.tagName("summary")).click();
        return panel;
    }

    static void screenshot(String name) throws Exception {
        String dir = System.getProperty("webmail.screenshots");
        if (dir != null) {
            Files.createDirectories(Path.of(dir));
            Files.write(Path.of(dir, name), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
        }
    }

    @Test
    void inboxListsMessagesAndBroadcastFolders() throws Exception {
        driver.get(fx.baseUrl() + "/mail");
        assertEquals("收件箱", driver.findElement(By.cssSelector("section.list h1")).getText());
        assertTrue(driver.findElement(By.cssSelector("nav.folders")).getText().contains("账单"));
        List<WebElement> unread = driver.findElements(By.cssSelector("li.row.unread"));
        assertEquals(3, unread.size());
        screenshot("browser-inbox.png");
    }

    @Test
    void signedNoticeShowsValidPanelWithSignerName() throws Exception {
        open("关于2026年社保缴费基数调整的通知");
        WebElement panel = expandedPanel();
        assertEquals("valid", panel.getAttribute("data-state"));
        assertTrue(panel.getText().contains("签名人\n李华") || panel.getText().contains("签名人 李华"), panel.getText());
        assertTrue(panel.getText().contains("市民政局"), panel.getText());
        assertTrue(panel.isDisplayed());
        screenshot("signed-message.png");
    }

    @Test
    void tamperedMessageShowsReason() {
        open("Water bill May");
        WebElement panel = driver.findElement(By.id("signature-panel"));
        assertEquals("invalid", panel.getAttribute("data-state"));
        assertEquals("签名后内容被改动", driver.findElement(By.id("signature-reason")).getText());
    }

    @Test
    void englishSwitchShowsEnglishPanelAndFolderNames() throws Exception {
        open("关于2026年社保缴费基数调整的通知");
        driver.findElement(By.id("lang-switch")).click();
        assertTrue(expandedPanel().getText().contains("Signed by"));
        assertTrue(driver.findElement(By.cssSelector("nav.folders")).getText().contains("Bills"));
        screenshot("signed-message-en.png");
        driver.findElement(By.id("lang-switch")).click();
        assertTrue(expandedPanel().getText().contains("签名人"));
    }

    @Test
    void xssMailRunsNothing() {
        open("XSS test");
        JavascriptExecutor js = (JavascriptExecutor) driver;
        assertThrows(NoAlertPresentException.class, () -> driver.switchTo().alert());
        assertNull(js.executeScript("return window.pwned === undefined ? null : window.pwned;"));
        assertTrue(driver.findElement(By.id("signature-panel")).isDisplayed(), "mail CSS cannot hide the panel");
        WebElement link = driver.findElement(By.linkText("click me"));
        assertNull(link.getAttribute("href"), "javascript: link keeps no href");
        link.click();
        assertThrows(NoAlertPresentException.class, () -> driver.switchTo().alert());
        assertNull(js.executeScript("return window.pwned === undefined ? null : window.pwned;"));
        assertEquals(0, driver.findElements(By.cssSelector("#body iframe, #body object, #body form, #body svg, #body style")).size());
        assertTrue(driver.findElement(By.id("body")).getText().contains("Harmless looking text"));
    }

    @Test
    void browserSessionCannotPostWithoutCsrfToken() throws Exception {
        driver.get(fx.baseUrl() + "/mail");
        String session = driver.manage().getCookieNamed(Http.SESSION_COOKIE).getValue();
        assertTrue(driver.manage().getCookieNamed(Http.SESSION_COOKIE).isHttpOnly());
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(fx.baseUrl() + "/logout"))
                .header("Cookie", Http.SESSION_COOKIE + "=" + session)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(403, r.statusCode());
        driver.get(fx.baseUrl() + "/mail");
        assertTrue(driver.getCurrentUrl().endsWith("/mail"), "browser session still valid");
    }

    /** Names the elements that stick out to the right, so a failure says what to fix. */
    static final String TOO_WIDE = "const w = document.documentElement.clientWidth; return [...document.querySelectorAll('body *')]"
            + ".filter(e => e.getBoundingClientRect().right > w + 0.5).slice(0, 8)"
            + ".map(e => e.tagName + '.' + e.className + '#' + e.id + ' right=' + Math.round(e.getBoundingClientRect().right)).join(', ');";

    static long js(String script) {
        return ((Number) ((JavascriptExecutor) driver).executeScript(script)).longValue();
    }

    @Test
    void noPageScrollsSidewaysAt320And375And1280InBothLanguages() throws Exception {
        open("关于2026年社保缴费基数调整的通知");
        String message = driver.getCurrentUrl();
        List<String> pages = List.of(fx.baseUrl() + "/mail", message, fx.baseUrl() + "/compose",
                fx.baseUrl() + "/mail?f=%E8%B4%A6%E5%8D%95", fx.baseUrl() + "/nope");
        try {
            for (String lang : List.of("zh", "en")) {
                driver.get(fx.baseUrl() + "/lang/" + lang + "?back=/mail");
                for (Dimension size : List.of(new Dimension(320, 640), new Dimension(375, 812), new Dimension(1280, 900))) {
                    driver.manage().window().setSize(size);
                    new org.openqa.selenium.support.ui.WebDriverWait(driver, Duration.ofSeconds(10))
                            .until(d -> js("return window.innerWidth;") == size.getWidth());
                    for (String url : pages) {
                        driver.get(url);
                        long scroll = js("return document.documentElement.scrollWidth;");
                        long client = js("return document.documentElement.clientWidth;");
                        assertTrue(scroll <= client, lang + " " + size + " " + url + ": scrollWidth " + scroll + " > " + client
                                + "; too wide: " + ((JavascriptExecutor) driver).executeScript(TOO_WIDE));
                    }
                }
            }
        } finally {
            driver.get(fx.baseUrl() + "/lang/zh?back=/mail");
            driver.manage().window().setSize(new Dimension(1200, 900));
        }
    }

    @Test
    void onAPhoneFoldersAreAtTheTopRowsAreBigTargetsAndTheBodyIsOnTheFirstScreen() throws Exception {
        driver.manage().window().setSize(new Dimension(375, 812));
        try {
            driver.get(fx.baseUrl() + "/mail");
            WebElement folders = driver.findElement(By.id("folders"));
            WebElement list = driver.findElement(By.id("messages"));
            assertTrue(folders.getLocation().getY() < list.getLocation().getY(), "folders above the list");
            for (WebElement row : driver.findElements(By.cssSelector("#messages a.open"))) {
                assertTrue(row.getSize().getHeight() >= 44, "row link height " + row.getSize());
                assertTrue(row.getSize().getWidth() >= 250, "row link width " + row.getSize());
            }
            screenshot("browser-inbox-phone.png");
            open("关于2026年社保缴费基数调整的通知");
            long body = driver.findElement(By.id("body")).getLocation().getY();
            assertTrue(body < 812, "body starts at " + body + " px, below the first screen");
        } finally {
            driver.manage().window().setSize(new Dimension(1200, 900));
        }
    }

    @Test
    void phoneWidthStaysReadable() throws Exception {
        driver.manage().window().setSize(new Dimension(390, 844));
        try {
            open("关于2026年社保缴费基数调整的通知");
            long scrollWidth = (Long) ((JavascriptExecutor) driver).executeScript("return document.documentElement.scrollWidth;");
            long clientWidth = (Long) ((JavascriptExecutor) driver).executeScript("return document.documentElement.clientWidth;");
            assertTrue(scrollWidth <= clientWidth + 1, "no horizontal scrolling: " + scrollWidth + " > " + clientWidth);
            screenshot("browser-signed-message-phone.png");
        } finally {
            driver.manage().window().setSize(new Dimension(1200, 900));
        }
    }
}

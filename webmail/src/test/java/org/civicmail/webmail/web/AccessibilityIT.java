package org.civicmail.webmail.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.civicmail.verdict.revocation.RevocationStatus;
import org.civicmail.webmail.testkit.Axe;
import org.civicmail.webmail.testkit.Mails;
import org.civicmail.webmail.testkit.TestPki;
import org.civicmail.webmail.testkit.WebmailFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Every page, in both languages, at 1280 px, 375 × 812 and 320 px, in headless Chromium: no sideways scrolling and
 * no axe-core violations; keyboard-only sign-in → open → reply; large-text targets; the print view of a bill.
 * With {@code -Dwebmail.screenshots=DIR} it saves the README screenshots.
 */
class AccessibilityIT {

    static final String USER = "wang.fang@city.test";
    static final String PW = "a11y-pw";
    static final String TRUST = "通知";
    static WebmailFixture fx;
    static WebDriver driver;
    static Axe axe;

    @BeforeAll
    static void start() throws Exception {
        axe = Axe.load();
        TestPki pki = TestPki.create("A11y City");
        TestPki.Entity tax = pki.person("tax-bureau@gov.city.test", "市税务局", "杭州市税务局");
        fx = new WebmailFixture(pki, (c, i) -> RevocationStatus.good());
        fx.user(USER, PW);
        String serial = tax.cert().getSerialNumber().toString(16);
        // Oldest first, so the newest rows (top of the list, first on a phone screenshot) are the three trust cases.
        fx.append(USER, PW, "INBOX", true, Mails.text("friend-with-a-rather-long-address@citizen-mail.city.test", USER,
                "周末聚会", "周六下午三点，老地方见。"));
        fx.append(USER, PW, "INBOX", false,
                Mails.html("news@shop.test", USER, "Newsletter with a long link",
                        "<p>See <a href=\"https://very-long-subdomain-name.shopping-example-store.example.net/path/to/a/very/long/page?with=query&and=more\">"
                        + "https://very-long-subdomain-name.shopping-example-store.example.net/path/to/a/very/long/page</a></p>"));
        fx.append(USER, PW, "INBOX", false,
                TestPki.withHeader(TestPki.signed(tax, "tax-bureau@gov.city.test", USER, "关于2026年度个人所得税综合所得汇算清缴的通知",
                        "各位纳税人：\n\n2026年度汇算清缴自3月1日开始，请登录个人所得税App办理。\n\n杭州市税务局", false,
                        Instant.now()), "X-CivicMail-Signature", "valid; signer=\"tax-bureau@gov.city.test\"; serial=" + serial),
                MailboxTrustIT.withServerVerdict(Mails.text("\"杭州市税务局\" <tax-bureau@gov.city.test>", USER,
                        "【紧急】您有一笔退税待领取", "请点击 http://refund.example.net 领取。"), "none", "unsigned-official-sender"),
                MailboxTrustIT.withServerVerdict(TestPki.withHeader(Mails.text(
                        "\"杭州市税务局\" <service@hz-tax-refund.example.net>", USER, "退税到账提醒",
                        "请回复您的银行卡号以便退税。"), "Reply-To", "tax-payment@freemail.example.org"),
                        "none", "display-name-impersonation"));
        fx.append(USER, PW, "账单", false, TestPki.withHeader(TestPki.signed(tax, "tax-bureau@gov.city.test", USER,
                "2026年5月个人所得税缴款通知书", "应纳税额：1,200.00 元\n缴款期限：2026年6月15日", false, Instant.now()),
                "X-CivicMail-Signature", "valid; signer=\"tax-bureau@gov.city.test\"; serial=" + serial));

        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-dev-shm-usage", "--user-data-dir=" + Files.createTempDirectory("chromium-a11y"),
                "--window-size=1280,900", "--lang=zh-CN", "--hide-scrollbars");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new java.io.File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().implicitlyWait(Duration.ofSeconds(10));
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(60));
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

    static Object js(String script) {
        return ((JavascriptExecutor) driver).executeScript(script);
    }

    static void size(int width, int height) {
        driver.manage().window().setSize(new Dimension(width, height));
        new WebDriverWait(driver, Duration.ofSeconds(10))
                .until(d -> ((Number) js("return window.innerWidth;")).intValue() == width);
    }

    static void screenshot(String name) throws Exception {
        String dir = System.getProperty("webmail.screenshots");
        if (dir != null) {
            Files.createDirectories(Path.of(dir));
            Files.write(Path.of(dir, name), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
        }
    }

    static void signIn() {
        driver.get(fx.baseUrl() + "/login");
        driver.findElement(By.id("user")).sendKeys(USER);
        driver.findElement(By.id("password")).sendKeys(PW);
        driver.findElement(By.id("login-submit")).click();
        loaded("/mail");
    }

    static void signOut() {
        driver.manage().deleteAllCookies();
    }

    static String href(String partialText) {
        return driver.findElement(By.partialLinkText(partialText)).getAttribute("href");
    }

    /** Pages of a signed-in reader: lists, the four kinds of message, compose, reply, a 404. */
    static List<String> signedInPages() {
        driver.get(fx.baseUrl() + "/mail");
        List<String> pages = new ArrayList<>(List.of(fx.baseUrl() + "/mail", fx.baseUrl() + "/mail?f=%E8%B4%A6%E5%8D%95"));
        for (String subject : List.of("个人所得税综合所得汇算清缴", "您有一笔退税待领取", "退税到账提醒", "Newsletter", "周末聚会")) {
            pages.add(href(subject));
        }
        String reply = pages.get(4).replace("/mail/msg?", "/compose?mode=reply&");
        pages.add(fx.baseUrl() + "/compose");
        pages.add(reply);
        pages.add(fx.baseUrl() + "/mail/nope");
        return pages;
    }

    @Test
    void everyPageAtEveryWidthInBothLanguagesHasNoSidewaysScrollAndNoAxeViolations() throws Exception {
        List<String> problems = new ArrayList<>();
        int checked = 0;
        try {
            for (String lang : List.of("zh", "en")) {
                signOut();
                driver.get(fx.baseUrl() + "/lang/" + lang + "?back=/login");
                List<String> anonymous = List.of(fx.baseUrl() + "/login", fx.baseUrl() + "/login?back=%2Fmail&expired=1");
                signIn();
                List<String> pages = signedInPages();
                for (int[] wh : new int[][] {{1280, 900}, {375, 812}, {320, 640}}) {
                    size(wh[0], wh[1]);
                    for (String url : pages) {
                        checked += check(url, lang, wh[0], problems);
                    }
                }
                signOut();
                driver.get(fx.baseUrl() + "/lang/" + lang + "?back=/login");
                for (int[] wh : new int[][] {{1280, 900}, {375, 812}, {320, 640}}) {
                    size(wh[0], wh[1]);
                    for (String url : anonymous) {
                        checked += check(url, lang, wh[0], problems);
                    }
                }
            }
        } finally {
            size(1280, 900);
            driver.get(fx.baseUrl() + "/lang/zh?back=/login");
        }
        assertEquals("", String.join("\n", problems), checked + " page views checked");
        assertEquals(2 * 3 * (signedInPagesCount() + 2), checked);
    }

    static int signedInPagesCount() {
        return 10;
    }

    @Test
    void axeReallyRunsAndCanFail() throws Exception {
        signOut();
        signIn();
        driver.get(fx.baseUrl() + "/mail");
        js("const i = document.createElement('img'); i.src = '/static/favicon.svg'; document.querySelector('main').appendChild(i);");
        assertTrue(axe.violations(driver).startsWith("image-alt"), "an image without alt text is reported");
    }

    static int check(String url, String lang, int width, List<String> problems) {
        driver.get(url);
        waitStyled();
        long scroll = ((Number) js("return document.documentElement.scrollWidth;")).longValue();
        long client = ((Number) js("return document.documentElement.clientWidth;")).longValue();
        if (scroll > client) {
            problems.add(lang + " " + width + "px " + url + ": scrolls sideways (" + scroll + " > " + client + "): "
                    + js(BrowserIT.TOO_WIDE));
        }
        String v = axe.violations(driver);
        if (!v.isEmpty()) {
            problems.add(lang + " " + width + "px " + url + ":\n" + v);
        }
        return 1;
    }

    static final int[][] WIDTHS = {{1280, 900}, {375, 812}, {320, 640}};

    @Test
    void keyboardOnlySignInOpenAndReplyInBothLanguagesAtEveryWidth() throws Exception {
        try {
            for (String lang : List.of("zh", "en")) {
                for (int[] wh : WIDTHS) {
                    signOut();
                    size(wh[0], wh[1]);
                    driver.get(fx.baseUrl() + "/lang/" + lang + "?back=/login");
                    keyboardOnlySignInOpenAndReply(lang + " " + wh[0] + "px");
                }
            }
        } finally {
            signOut();
            size(1280, 900);
            driver.get(fx.baseUrl() + "/lang/zh?back=/login");
        }
    }

    static void keyboardOnlySignInOpenAndReply(String where) {
        loaded("/login");
        tabTo("user").sendKeys(USER);
        tabTo("password").sendKeys(PW + Keys.ENTER);
        loaded("/mail");
        // The skip link is the first stop and lands on the message list.
        new Actions(driver).sendKeys(Keys.TAB).perform();
        assertEquals("skip", driver.switchTo().activeElement().getAttribute("class"), where);
        new Actions(driver).sendKeys(Keys.ENTER).perform();
        assertEquals("content", driver.switchTo().activeElement().getAttribute("id"), where);
        assertTrue(driver.switchTo().activeElement().findElements(By.id("messages")).size() == 1, where + ": the list is in it");
        WebElement row = tabToLinkContaining("个人所得税综合所得汇算清缴");
        row.sendKeys(Keys.ENTER);
        loaded("/mail/msg");
        tabTo("reply").sendKeys(Keys.ENTER);
        loaded("/compose");
        assertEquals("tax-bureau@gov.city.test", driver.findElement(By.id("to")).getAttribute("value"), where);
    }

    /** Waits until the browser shows a fully loaded page whose path starts with {@code path}. */
    static void loaded(String path) {
        new WebDriverWait(driver, Duration.ofSeconds(20)).withMessage(() -> "never loaded " + path + ", at " + driver.getCurrentUrl())
                .until(d -> Boolean.TRUE.equals(js("return document.readyState === 'complete' && location.pathname === '"
                        + path + "';")));
    }

    /** Presses Tab until the element with this id has focus (at most 60 times). */
    static WebElement tabTo(String id) {
        for (int i = 0; i < 60; i++) {
            WebElement active = driver.switchTo().activeElement();
            if (id.equals(active.getAttribute("id"))) {
                return active;
            }
            new Actions(driver).sendKeys(Keys.TAB).perform();
        }
        throw new AssertionError("Tab never reached #" + id);
    }

    static WebElement tabToLinkContaining(String text) {
        for (int i = 0; i < 60; i++) {
            new Actions(driver).sendKeys(Keys.TAB).perform();
            WebElement active = driver.switchTo().activeElement();
            if ("a".equals(active.getTagName()) && active.getText().contains(text)) {
                return active;
            }
        }
        throw new AssertionError("Tab never reached a link with " + text);
    }

    /** Tap targets (buttons, row links, folder links, check boxes' labels, fields) smaller than {@code min} px. */
    static String smallTargets(int min) {
        waitStyled();
        return (String) js("return [...document.querySelectorAll('button, .button, a.open, .folders a, summary, label.pick, "
                + "input:not([type=hidden]):not([type=checkbox]), select, .pager a, .back a')].filter(e => e.offsetParent !== null)"
                + ".filter(e => { const r = e.getBoundingClientRect(); return r.height < " + min + " || r.width < " + min + "; })"
                + ".map(e => e.tagName + '#' + e.id + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().width)"
                + " + 'x' + Math.round(e.getBoundingClientRect().height)).join(', ');");
    }

    /** Measurements and colour checks need the style sheet; wait until the page has it. */
    static void waitStyled() {
        new WebDriverWait(driver, Duration.ofSeconds(10)).withMessage(() -> "no style sheet on " + driver.getCurrentUrl()
                + ": " + js("return performance.getEntriesByType('resource').map(r => r.name + ' ' + r.responseStatus).join('; ');"))
                .until(d -> ((Number) js("return document.styleSheets.length;")).intValue() > 0);
    }

    @Test
    void targetsAreAtLeast44PxAndInLargeTextModeAtLeast48Px() throws Exception {
        signOut();
        signIn();
        size(375, 812);
        try {
            List<String> urls = List.of(fx.baseUrl() + "/mail", href("个人所得税综合所得汇算清缴"), fx.baseUrl() + "/compose");
            for (String url : urls) {
                driver.get(url);
                assertEquals("", smallTargets(44), url);
            }
            largeText(true);
            for (String url : urls) {
                driver.get(url);
                assertEquals("", smallTargets(48), url);
                // the high-contrast colours of this mode are checked by axe too
                assertEquals("", axe.violations(driver), "large text " + url);
            }
            driver.get(fx.baseUrl() + "/mail");
            screenshot("inbox-large-text.png");
        } finally {
            largeText(false);
            size(1280, 900);
        }
    }

    /** Switches large-text mode with its button and waits for the reloaded page in that mode. */
    static void largeText(boolean on) {
        driver.get(fx.baseUrl() + "/mail");
        waitStyled();
        if (js("return document.documentElement.classList.contains('large');").equals(on)) {
            return;
        }
        driver.findElement(By.id("large-toggle")).click();
        new WebDriverWait(driver, Duration.ofSeconds(20)).until(d -> Boolean.TRUE.equals(js(
                "return document.readyState === 'complete' && document.documentElement.classList.contains('large') === " + on
                + " && document.getElementById('large-toggle').getAttribute('aria-pressed') === '" + on + "';")));
    }

    /**
     * Focuses every keyboard stop of the page (after one real Tab, so the browser is in keyboard mode and shows
     * :focus-visible) and measures its ring against what is painted where the ring's middle line runs
     * (elementsFromPoint, so a ring over the blue header is measured on blue; a ring drawn inside its element, on the
     * element's own background). @return "N|problems"
     */
    static final String FOCUS_RINGS = String.join("\n",
            "const problems = [];",
            "const lin = v => { v /= 255; return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };",
            "const rgba = c => { const m = /rgba?\\(([^)]+)\\)/.exec(c); if (!m) { return null; }",
            "  const p = m[1].split(/[ ,\\/]+/).filter(x => x).map(parseFloat); return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1}; };",
            "const lum = c => 0.2126 * lin(c.r) + 0.7152 * lin(c.g) + 0.0722 * lin(c.b);",
            "const ratio = (x, y) => { const a = lum(x), b = lum(y); return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05); };",
            "const behind = (e, x, y, inset) => { for (const u of document.elementsFromPoint(x, y)) { if (u === e ? !inset : e.contains(u)) { continue; }",
            "  const c = rgba(getComputedStyle(u).backgroundColor); if (c && c.a > 0.5) { return c; } } return {r: 255, g: 255, b: 255, a: 1}; };",
            "const name = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (typeof e.className === 'string' && e.className.trim() ? '.' + e.className.trim().replace(/\\s+/g, '.') : '');",
            "let checked = 0;",
            "for (const e of document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]:not([tabindex=\"-1\"])')) {",
            "  if (e.disabled) { continue; }",
            "  e.focus();",
            "  if (document.activeElement !== e || e.getClientRects().length === 0) { continue; }",
            "  e.scrollIntoView({block: 'center', inline: 'nearest'});",
            "  if (!e.matches(':focus-visible')) { problems.push(name(e) + ': no :focus-visible after keyboard use'); continue; }",
            "  const cs = getComputedStyle(e);",
            "  const w = parseFloat(cs.outlineWidth) || 0;",
            "  if (cs.outlineStyle === 'none' || w < 2) { problems.push(name(e) + ': no focus ring (' + cs.outlineStyle + ' ' + cs.outlineWidth + ')'); continue; }",
            "  const ring = rgba(cs.outlineColor), d = (parseFloat(cs.outlineOffset) || 0) + w / 2, r = e.getBoundingClientRect();",
            "  const pts = [[r.left - d, r.top + r.height / 2], [r.right + d, r.top + r.height / 2], [r.left + r.width / 2, r.top - d],",
            "    [r.left + r.width / 2, r.bottom + d]].filter(([x, y]) => x >= 0 && y >= 0 && x < innerWidth && y < innerHeight);",
            "  let worst = 21, worstBg = null;",
            "  for (const [x, y] of pts) { const bg = behind(e, x, y, d < 0), k = ratio(ring, bg); if (k < worst) { worst = k; worstBg = bg; } }",
            "  if (worstBg === null) { problems.push(name(e) + ': ring not on screen'); continue; }",
            "  checked++;",
            "  if (worst < 3) { problems.push(name(e) + ': ring ' + cs.outlineColor + ' on rgb(' + [worstBg.r, worstBg.g, worstBg.b] + ') = ' + worst.toFixed(2) + ':1'); }",
            "}",
            "return checked + '|' + problems.join('\\n');");

    /** @return the focus-ring problems of the loaded page; fails when fewer than {@code min} stops were measured */
    static String focusRingProblems(int min) {
        waitStyled();
        new Actions(driver).sendKeys(Keys.TAB).perform();
        String[] r = ((String) js(FOCUS_RINGS)).split("\\|", 2);
        assertTrue(Integer.parseInt(r[0]) >= min, "only " + r[0] + " keyboard stops measured on " + driver.getCurrentUrl());
        return r[1];
    }

    @Test
    void focusRingsHaveAtLeast3To1ContrastWhereverTheyAreDrawn() throws Exception {
        signOut();
        List<String> problems = new ArrayList<>();
        try {
            for (int[] wh : new int[][] {{1280, 900}, {375, 812}}) {
                size(wh[0], wh[1]);
                driver.get(fx.baseUrl() + "/login");
                String p = focusRingProblems(4);
                if (!p.isEmpty()) {
                    problems.add(wh[0] + "px /login:\n" + p);
                }
            }
            signIn();
            List<String> urls = new ArrayList<>(List.of(fx.baseUrl() + "/mail", href("个人所得税综合所得汇算清缴"),
                    href("退税到账提醒"), fx.baseUrl() + "/compose"));
            for (boolean large : List.of(false, true)) {
                largeText(large);
                for (int[] wh : new int[][] {{1280, 900}, {375, 812}}) {
                    size(wh[0], wh[1]);
                    for (String url : urls) {
                        driver.get(url);
                        String p = focusRingProblems(8);
                        if (!p.isEmpty()) {
                            problems.add((large ? "large " : "") + wh[0] + "px " + url + ":\n" + p);
                        }
                    }
                }
            }
        } finally {
            largeText(false);
            size(1280, 900);
        }
        assertEquals("", String.join("\n", problems));
    }

    @Test
    void theFocusRingCheckCanFail() throws Exception {
        signOut();
        signIn();
        driver.get(fx.baseUrl() + "/mail");
        waitStyled();
        // the old ring colour, 2.03:1 on white (CSSOM edits are allowed by the page's CSP; inline <style> is not)
        js("document.styleSheets[0].insertRule(':focus-visible { outline-color: #f5a623 !important; }', document.styleSheets[0].cssRules.length);");
        String problems = focusRingProblems(8);
        assertTrue(problems.contains("on rgb(255,255,255) = 2.0"), problems);
    }

    @Test
    void printingABillShowsItsVerdictLineAndNothingElse() throws Exception {
        signOut();
        signIn();
        driver.get(fx.baseUrl() + "/mail?f=%E8%B4%A6%E5%8D%95");
        driver.get(href("缴款通知书"));
        ((ChromeDriver) driver).executeCdpCommand("Emulation.setEmulatedMedia", Map.of("media", "print"));
        try {
            for (String hidden : List.of("header.top", "nav.folders", "#signature-panel", "form.manage", ".actions", ".back")) {
                for (WebElement e : driver.findElements(By.cssSelector(hidden))) {
                    assertTrue(!e.isDisplayed(), hidden + " is printed");
                }
            }
            assertTrue(driver.findElement(By.id("verdict-line")).isDisplayed());
            assertEquals("✔ 已验证 · 杭州市税务局", driver.findElement(By.id("verdict-line")).getText());
            assertTrue(driver.findElement(By.id("body")).getText().contains("应纳税额：1,200.00 元"));
            screenshot("bill-print.png");
        } finally {
            ((ChromeDriver) driver).executeCdpCommand("Emulation.setEmulatedMedia", Map.of("media", ""));
        }
    }

    @Test
    void readmeScreenshots() throws Exception {
        signOut();
        signIn();
        size(1280, 1060);
        driver.get(fx.baseUrl() + "/mail");
        screenshot("inbox.png");
        driver.get(href("退税到账提醒"));
        screenshot("lookalike-message.png");
        size(375, 812);
        driver.get(fx.baseUrl() + "/mail");
        screenshot("inbox-phone.png");
        driver.get(href("个人所得税综合所得汇算清缴"));
        screenshot("signed-message-phone.png");
        size(1280, 900);
        assertTrue(driver.findElement(By.id("verdict-line")).getText().startsWith("✔ 已验证"));
    }
}

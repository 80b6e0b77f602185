package org.civicmail.webmail.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;

/**
 * axe-core (from npm) run inside the page through WebDriver, so the page's CSP (no inline script) stays as it is.
 * The library is installed on first use with {@code npm install axe-core@VERSION} into {@code target/axe}
 * (or taken from {@code -Daxe.js=PATH}).
 */
public final class Axe {

    static final String VERSION = "4.10.3";

    private final String source;

    private Axe(String source) {
        this.source = source;
    }

    public static Axe load() throws IOException, InterruptedException {
        String configured = System.getProperty("axe.js");
        Path js = configured != null ? Path.of(configured) : Path.of("target/axe/node_modules/axe-core/axe.min.js");
        if (!Files.exists(js)) {
            Path prefix = Path.of("target/axe").toAbsolutePath();
            Files.createDirectories(prefix);
            Process npm = new ProcessBuilder("npm", "install", "--no-save", "--no-audit", "--no-fund", "--prefix",
                    prefix.toString(), "axe-core@" + VERSION).redirectErrorStream(true).start();
            String out = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!npm.waitFor(300, TimeUnit.SECONDS) || npm.exitValue() != 0 || !Files.exists(js)) {
                throw new IllegalStateException("axe-core is needed for the accessibility test: `npm install --prefix "
                        + prefix + " axe-core@" + VERSION + "` failed (install npm, or pass -Daxe.js=PATH to axe.min.js):\n" + out);
            }
        }
        return new Axe(Files.readString(js, StandardCharsets.UTF_8));
    }

    /** @return the violations as "rule-id: target…" lines, empty when there are none */
    public String violations(WebDriver driver) {
        JavascriptExecutor js = (JavascriptExecutor) driver;
        js.executeScript(source + "\n;return 1;");
        Object result = js.executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                + "axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations.map(v => v.id + ' ('"
                + " + v.impact + '): ' + v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' — ' + n.failureSummary"
                + ".replace(/\\s+/g, ' ')).join(' | ')).join('\\n'))).catch(e => done('axe failed: ' + e));");
        return result == null ? "" : result.toString();
    }
}

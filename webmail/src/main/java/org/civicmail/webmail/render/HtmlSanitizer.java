package org.civicmail.webmail.render;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.safety.Cleaner;
import org.jsoup.safety.Safelist;

/**
 * Cleans mail HTML down to an allow-list: no script, no event handlers, no style (no CSS tricks), no forms,
 * frames or objects; links only http/https/mailto and opened without referrer; remote images removed unless
 * the reader allowed them. Thread-safe.
 */
public final class HtmlSanitizer {

    /** Sanitised HTML and how many remote images were held back. */
    public record Result(String html, int blockedImages) {}

    private static final Safelist SAFELIST = Safelist.relaxed()
            .removeTags("img")
            .addTags("img", "center", "font", "hr")
            .addAttributes("img", "alt", "title", "width", "height", "data-blocked")
            .addAttributes("table", "border", "cellpadding", "cellspacing")
            .addProtocols("img", "src", "http", "https")
            .addAttributes("img", "src")
            .addProtocols("a", "href", "http", "https", "mailto")
            .addEnforcedAttribute("a", "rel", "noopener noreferrer nofollow")
            .addEnforcedAttribute("a", "target", "_blank");

    public Result sanitise(String html, boolean allowRemoteImages) {
        Document dirty = Jsoup.parse(html == null ? "" : html);
        Document clean = new Cleaner(SAFELIST).clean(dirty);
        int blocked = 0;
        for (Element img : clean.select("img")) {
            if (!img.hasAttr("src")) {
                continue;
            }
            if (!allowRemoteImages) {
                img.removeAttr("src");
                img.attr("data-blocked", "1");
                blocked++;
            }
        }
        clean.outputSettings().prettyPrint(false);
        return new Result(clean.body().html(), blocked);
    }
}

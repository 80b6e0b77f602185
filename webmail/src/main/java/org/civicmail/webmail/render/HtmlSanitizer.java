package org.civicmail.webmail.render;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.safety.Cleaner;
import org.jsoup.safety.Safelist;

/**
 * Cleans mail HTML down to an allow-list: no script, no event handlers, no style (no CSS tricks), no forms,
 * frames or objects; links only http/https/mailto and opened without referrer; remote images removed unless
 * the reader allowed them; every web link is followed by its real host name in brackets. Thread-safe.
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

    /**
     * @return the host an http(s) link goes to (ASCII form, so look-alike letters show as xn--), "" for mailto,
     *         {@code null} for a link whose destination cannot be read
     */
    static String linkHost(String href) {
        String h = href.trim();
        if (h.regionMatches(true, 0, "mailto:", 0, 7)) {
            return "";
        }
        java.util.regex.Matcher m = AUTHORITY.matcher(h);
        if (!m.find()) {
            return null;
        }
        String host = m.group(1);
        host = host.substring(host.lastIndexOf('@') + 1); // "https://gov.city.test@evil.example/" goes to evil.example
        if (host.startsWith("[")) {
            return host.contains("]") ? host.substring(0, host.indexOf(']') + 1) : null;
        }
        host = host.contains(":") ? host.substring(0, host.indexOf(':')) : host;
        try {
            return host.isEmpty() ? null : java.net.IDN.toASCII(host).toLowerCase(java.util.Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static final java.util.regex.Pattern AUTHORITY = java.util.regex.Pattern.compile("^https?://([^/?#\\\\]*)",
            java.util.regex.Pattern.CASE_INSENSITIVE);

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
        for (Element a : clean.select("a[href]")) {
            String host = linkHost(a.attr("href"));
            if (host == null) {
                a.removeAttr("href");
            } else if (!host.isEmpty()) {
                // The real destination, next to whatever the link text claims.
                a.after(new Element("span").addClass("link-host").text(" (" + host + ")"));
            }
        }
        clean.outputSettings().prettyPrint(false);
        return new Result(clean.body().html(), blocked);
    }
}

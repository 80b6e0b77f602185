package org.civicmail.webmail.web;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import org.civicmail.webmail.i18n.UiText;

/**
 * What every page template gets: texts, the signed-in user, the CSRF token, and small formatting helpers.
 * {@code idleSeconds} is how long a signed-in session lasts without a request (for the timeout warning);
 * {@code largeText} is the age-friendly mode.
 */
public record PageModel(UiText t, String user, String csrf, String path, ZoneId zone, boolean certLogin,
                        long idleSeconds, boolean largeText) {

    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

    public String date(Instant instant) {
        return instant == null ? "" : DATE_TIME.format(instant.atZone(zone));
    }

    /** URL-encodes one query parameter value. */
    public String q(String value) {
        return value == null ? "" : URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /**
     * The {@code lang} attribute for a piece of mail content when its language differs from the page's: Chinese
     * text on an English page gets zh-CN, Latin-only text on a Chinese page gets en; otherwise {@code null}
     * (jte then leaves the attribute out).
     */
    public String langOf(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        boolean han = text.codePoints().anyMatch(c -> Character.UnicodeScript.of(c) == Character.UnicodeScript.HAN);
        if (han) {
            return t.lang() == org.civicmail.webmail.i18n.Lang.ZH ? null : "zh-CN";
        }
        boolean latin = text.codePoints().anyMatch(Character::isLetter);
        return latin && t.lang() == org.civicmail.webmail.i18n.Lang.ZH ? "en" : null;
    }

    /** Size as a person reads it: 512 B, 20.4 KB, 3.1 MB. */
    public String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        if (bytes < 1024 * 1024) {
            return String.format(java.util.Locale.ROOT, "%.1f KB", bytes / 1024.0);
        }
        return String.format(java.util.Locale.ROOT, "%.1f MB", bytes / (1024.0 * 1024.0));
    }

    public String langSwitchUrl() {
        return "/lang/" + t.other().code() + "?back=" + q(path);
    }
}

package org.civicmail.webmail.web;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import org.civicmail.webmail.i18n.UiText;

/** What every page template gets: texts, the signed-in user, the CSRF token, and small formatting helpers. */
public record PageModel(UiText t, String user, String csrf, String path, ZoneId zone, boolean certLogin) {

    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

    public String date(Instant instant) {
        return instant == null ? "" : DATE_TIME.format(instant.atZone(zone));
    }

    /** URL-encodes one query parameter value. */
    public String q(String value) {
        return value == null ? "" : URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    public String langSwitchUrl() {
        return "/lang/" + t.other().code() + "?back=" + q(path);
    }
}

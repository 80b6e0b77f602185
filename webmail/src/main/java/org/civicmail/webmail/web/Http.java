package org.civicmail.webmail.web;

import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;
import org.civicmail.webmail.i18n.UiText;

/** Request helpers shared by the route classes: session lookup, CSRF, cookies, rendering. */
public final class Http {

    public static final String SESSION_COOKIE = "cm_session";
    public static final String LANG_COOKIE = "cm_lang";
    static final String SESSION_ATTR = "cm.session";
    /** Set once a page was rendered, so the 404 fallback does not replace a page that explains itself. */
    static final String RENDERED_ATTR = "cm.rendered";

    /** Baseline CSP: no script at all, styles and images from us only, forms post to us only. */
    public static final String CSP = "default-src 'none'; style-src 'self'; img-src 'self' data:; "
            + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
    /** Message page once the reader allowed remote images. */
    public static final String CSP_REMOTE_IMAGES = "default-src 'none'; style-src 'self'; img-src 'self' data: https: http:; "
            + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private final Templates templates;
    private final boolean secureCookies;
    private final ZoneId zone;
    private final boolean certLogin;

    public Http(Templates templates, boolean secureCookies, ZoneId zone, boolean certLogin) {
        this.templates = templates;
        this.secureCookies = secureCookies;
        this.zone = zone;
        this.certLogin = certLogin;
    }

    public static WebSession session(Context ctx) {
        return ctx.attribute(SESSION_ATTR);
    }

    public static UiText text(Context ctx) {
        return UiText.of(session(ctx).lang());
    }

    public void setSessionCookie(Context ctx, WebSession s) {
        ctx.res().addHeader("Set-Cookie", SESSION_COOKIE + "=" + s.id() + "; Path=/; HttpOnly; SameSite=Strict"
                + (secureCookies ? "; Secure" : ""));
        ctx.attribute(SESSION_ATTR, s);
    }

    public void setLangCookie(Context ctx, String code) {
        ctx.res().addHeader("Set-Cookie", LANG_COOKIE + "=" + code + "; Path=/; Max-Age=31536000; HttpOnly; SameSite=Lax"
                + (secureCookies ? "; Secure" : ""));
    }

    /** @return true when the posted token matches the session's; otherwise answers 403 and returns false */
    public boolean checkCsrf(Context ctx) {
        WebSession s = session(ctx);
        String posted = ctx.formParam("csrf");
        if (posted != null && MessageDigest.isEqual(posted.getBytes(StandardCharsets.UTF_8),
                s.csrfToken().getBytes(StandardCharsets.UTF_8))) {
            return true;
        }
        error(ctx, HttpStatus.FORBIDDEN, text(ctx).get("error.title"), text(ctx).get("error.csrf"));
        return false;
    }

    public PageModel page(Context ctx) {
        WebSession s = session(ctx);
        String path = ctx.path() + (ctx.queryString() == null ? "" : "?" + ctx.queryString());
        return new PageModel(UiText.of(s.lang()), s.user(), s.csrfToken(), path, zone, certLogin);
    }

    public void render(Context ctx, String template, Object... nameValues) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("page", page(ctx));
        for (int i = 0; i < nameValues.length; i += 2) {
            params.put((String) nameValues[i], nameValues[i + 1]);
        }
        ctx.contentType("text/html; charset=utf-8");
        ctx.result(templates.render(template, params));
        ctx.attribute(RENDERED_ATTR, Boolean.TRUE);
    }

    public void error(Context ctx, HttpStatus status, String title, String message) {
        ctx.status(status);
        render(ctx, "error.jte", "title", title, "message", message);
    }
}

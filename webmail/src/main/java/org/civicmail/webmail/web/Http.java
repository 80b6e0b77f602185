package org.civicmail.webmail.web;

import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;
import org.civicmail.webmail.i18n.UiText;
import org.civicmail.webmail.prefs.Preferences;

/** Request helpers shared by the route classes: session lookup, CSRF, cookies, rendering. */
public final class Http {

    public static final String SESSION_COOKIE = "cm_session";
    public static final String LANG_COOKIE = "cm_lang";
    /** Remembers the large-text mode on this browser (for the sign-in page); the account's choice wins. */
    public static final String LARGE_COOKIE = "cm_large";
    /** The pre-login CSRF token ({@link PreLoginCsrf}); with HTTPS the __Host- prefix keeps other hosts from setting it. */
    static final String CSRF_COOKIE_PLAIN = "cm_csrf";
    static final String SESSION_ATTR = "cm.session";
    /** Set once a page was rendered, so the 404 fallback does not replace a page that explains itself. */
    static final String RENDERED_ATTR = "cm.rendered";

    /**
     * Baseline CSP: script only from our own static files (the timeout warning and draft autosave; no inline
     * script, mail HTML never carries any), styles and images from us only, forms post to us only.
     */
    public static final String CSP = "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
    /** Message page once the reader allowed remote images. */
    public static final String CSP_REMOTE_IMAGES = "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; img-src 'self' data: https: http:; "
            + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private final Templates templates;
    private final boolean secureCookies;
    private final ZoneId zone;
    private final boolean certLogin;
    private final Preferences preferences;
    private final PreLoginCsrf preLoginCsrf;

    public Http(Templates templates, boolean secureCookies, ZoneId zone, boolean certLogin, PreLoginCsrf preLoginCsrf,
                Preferences preferences) {
        this.templates = templates;
        this.preLoginCsrf = preLoginCsrf;
        this.secureCookies = secureCookies;
        this.zone = zone;
        this.certLogin = certLogin;
        this.preferences = preferences;
    }

    public Preferences preferences() {
        return preferences;
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

    public void setLargeCookie(Context ctx, boolean on) {
        ctx.res().addHeader("Set-Cookie", LARGE_COOKIE + "=" + (on ? "1" : "0") + "; Path=/; Max-Age=31536000; HttpOnly; "
                + "SameSite=Lax" + (secureCookies ? "; Secure" : ""));
    }

    /** Ends the browser's session cookie (logout). */
    public void clearSessionCookie(Context ctx) {
        ctx.res().addHeader("Set-Cookie", SESSION_COOKIE + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict"
                + (secureCookies ? "; Secure" : ""));
    }

    public String csrfCookieName() {
        return secureCookies ? "__Host-" + CSRF_COOKIE_PLAIN : CSRF_COOKIE_PLAIN;
    }

    /**
     * The anonymous visitor's pre-login token: the one its cookie carries if valid, else a new one sent as a
     * cookie. Nothing is stored on the server.
     */
    String preLoginToken(Context ctx) {
        String cookie = ctx.cookie(csrfCookieName());
        if (preLoginCsrf.valid(cookie)) {
            return cookie;
        }
        String token = preLoginCsrf.mint();
        ctx.res().addHeader("Set-Cookie", csrfCookieName() + "=" + token + "; Path=/; HttpOnly; SameSite=Strict"
                + (secureCookies ? "; Secure" : ""));
        return token;
    }

    public void setLangCookie(Context ctx, String code) {
        ctx.res().addHeader("Set-Cookie", LANG_COOKIE + "=" + code + "; Path=/; Max-Age=31536000; HttpOnly; SameSite=Lax"
                + (secureCookies ? "; Secure" : ""));
    }

    /**
     * Signed in: the posted token must be the session's. Before login: the posted token and the cookie's must be
     * the same valid signed token (double submit). Otherwise answers 403 and returns false.
     */
    public boolean checkCsrf(Context ctx) {
        WebSession s = session(ctx);
        String posted = ctx.formParam("csrf");
        boolean ok = s.signedIn()
                ? posted != null && MessageDigest.isEqual(posted.getBytes(StandardCharsets.UTF_8),
                        s.csrfToken().getBytes(StandardCharsets.UTF_8))
                : preLoginCsrf.matches(ctx.cookie(csrfCookieName()), posted);
        if (ok) {
            return true;
        }
        error(ctx, HttpStatus.FORBIDDEN, text(ctx).get("error.title"), text(ctx).get("error.csrf"));
        return false;
    }

    public PageModel page(Context ctx) {
        WebSession s = session(ctx);
        String path = ctx.path() + (ctx.queryString() == null ? "" : "?" + ctx.queryString());
        boolean large = s.signedIn() ? preferences.largeText(s.user()) : "1".equals(ctx.cookie(LARGE_COOKIE));
        return new PageModel(UiText.of(s.lang()), s.user(), s.csrfToken(), path, zone, certLogin,
                SessionStore.SIGNED_IN_IDLE.toSeconds(), large);
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

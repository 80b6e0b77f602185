package org.civicmail.webmail.web;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;

/**
 * The age-friendly (适老化) large-text, high-contrast switch: remembered for the account when signed in (so it
 * follows the citizen to another browser) and in a cookie for this browser (so the sign-in page uses it too).
 * Also the keep-alive the timeout warning's "continue" button calls.
 */
public final class PreferenceRoutes {

    private final Http http;

    public PreferenceRoutes(Http http) {
        this.http = http;
    }

    public void register(Javalin app) {
        app.post("/prefs/large", this::largeText);
        // Any signed-in request renews the session (SessionStore.get); this one does nothing else.
        app.get("/mail/ping", ctx -> ctx.status(HttpStatus.NO_CONTENT));
    }

    private void largeText(Context ctx) {
        if (!http.checkCsrf(ctx)) {
            return;
        }
        boolean on = "1".equals(ctx.formParam("on"));
        WebSession s = Http.session(ctx);
        if (s.signedIn()) {
            http.preferences().largeText(s.user(), on);
        }
        http.setLargeCookie(ctx, on);
        ctx.redirect(AuthRoutes.localPath(ctx.formParam("back")), HttpStatus.SEE_OTHER);
    }
}

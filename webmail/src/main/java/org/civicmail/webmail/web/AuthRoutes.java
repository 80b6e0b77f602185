package org.civicmail.webmail.web;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.Store;
import org.civicmail.webmail.i18n.Lang;
import org.civicmail.webmail.i18n.UiText;
import org.civicmail.webmail.imap.ImapConnector;
import org.civicmail.webmail.imap.MailboxAccess;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Password login, logout and the language switch. Guessing is throttled by the mail server, not here: the
 * password is checked by an IMAP login that names the browser's address (see {@code ImapConnector}), so the
 * server's one login policy covers the webmail too; its "wait" and "disabled" answers are shown as such.
 */
public final class AuthRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(AuthRoutes.class);

    private final Http http;
    private final SessionStore sessions;
    private final ImapConnector imap;

    /** IMAP response codes of the mail server's login policy (org.civicmail.login.imap.ImapLoginGate). */
    static final String THROTTLED_CODE = "[XTHROTTLED]";

    public AuthRoutes(Http http, SessionStore sessions, ImapConnector imap) {
        this.http = http;
        this.sessions = sessions;
        this.imap = imap;
    }

    public void register(Javalin app) {
        app.get("/", ctx -> ctx.redirect(Http.session(ctx).signedIn() ? "/mail" : "/login", HttpStatus.SEE_OTHER));
        app.get("/login", ctx -> {
            if (Http.session(ctx).signedIn()) {
                ctx.redirect("/mail", HttpStatus.SEE_OTHER);
                return;
            }
            // After a lapsed session: say so, and come back to the page the reader was on.
            http.render(ctx, "login.jte", "user", "", "error", null, "back", localPath(ctx.queryParam("back")),
                    "notice", ctx.queryParam("expired") != null ? Http.text(ctx).get("login.expired") : null);
        });
        app.post("/login", this::login);
        app.post("/logout", ctx -> {
            if (!http.checkCsrf(ctx)) {
                return;
            }
            sessions.remove(Http.session(ctx));
            http.clearSessionCookie(ctx);
            ctx.redirect("/login", HttpStatus.SEE_OTHER);
        });
        app.get("/lang/{code}", ctx -> {
            Lang lang = Lang.fromCode(ctx.pathParam("code"), Http.session(ctx).lang());
            Http.session(ctx).lang(lang);
            http.setLangCookie(ctx, lang.code());
            ctx.redirect(localPath(ctx.queryParam("back")), HttpStatus.SEE_OTHER);
        });
    }

    /** Only same-site absolute paths: no scheme, no "//host", no backslash tricks. */
    static String localPath(String back) {
        if (back == null || !back.startsWith("/") || back.startsWith("//") || back.contains("\\")
                || back.chars().anyMatch(c -> c < 0x20)) {
            return "/";
        }
        return back;
    }

    private void login(Context ctx) {
        if (!http.checkCsrf(ctx)) {
            return;
        }
        WebSession anon = Http.session(ctx);
        UiText t = UiText.of(anon.lang());
        String user = ctx.formParam("user") == null ? "" : ctx.formParam("user").trim();
        String password = ctx.formParam("password") == null ? "" : ctx.formParam("password");
        String ip = ctx.ip();
        if (user.isEmpty() || password.isEmpty()) {
            ctx.status(HttpStatus.UNAUTHORIZED);
            http.render(ctx, "login.jte", "user", user, "error", t.get("login.failed"), "back", ctx.formParam("back"));
            return;
        }
        Store store;
        try {
            store = imap.connect(user, password, ip);
        } catch (AuthenticationFailedException e) {
            if (String.valueOf(e.getMessage()).contains(THROTTLED_CODE)) {
                ctx.status(HttpStatus.TOO_MANY_REQUESTS);
                http.render(ctx, "login.jte", "user", user, "error", t.get("login.throttled"), "back", ctx.formParam("back"));
                return;
            }
            LOG.info("login failed for {} from {}", user, ip);
            ctx.status(HttpStatus.UNAUTHORIZED);
            http.render(ctx, "login.jte", "user", user, "error", t.get("login.failed"), "back", ctx.formParam("back"));
            return;
        } catch (MessagingException e) {
            LOG.warn("IMAP server unavailable during login of {}: {}", user, e.toString());
            ctx.status(HttpStatus.SERVICE_UNAVAILABLE);
            http.render(ctx, "login.jte", "user", user, "error", t.get("error.title") + ": IMAP " + e.getMessage());
            return;
        }
        MailboxAccess mailbox = new MailboxAccess(store, () -> imap.connect(user, password));
        signIn(ctx, user, password, mailbox);
    }

    /** The first stored session of this browser, with a fresh id (no session fixation). */
    void signIn(Context ctx, String user, String password, MailboxAccess mailbox) {
        WebSession anon = Http.session(ctx);
        WebSession s = sessions.signedIn(user, password, mailbox, anon.lang());
        http.setSessionCookie(ctx, s);
        ctx.redirect(afterSignIn(ctx.formParam("back")), HttpStatus.SEE_OTHER);
    }

    /** Where a sign-in continues: the mail page the reader was on before the session lapsed, else the inbox. */
    static String afterSignIn(String back) {
        String path = localPath(back);
        return path.startsWith("/mail") || path.startsWith("/compose") ? path : "/mail";
    }
}

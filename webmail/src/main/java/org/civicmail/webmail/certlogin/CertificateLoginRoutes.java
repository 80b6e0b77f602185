package org.civicmail.webmail.certlogin;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import jakarta.mail.MessagingException;
import jakarta.mail.Store;
import java.security.cert.X509Certificate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import org.civicmail.webmail.i18n.Lang;
import org.civicmail.webmail.i18n.UiText;
import org.civicmail.webmail.imap.ImapConnector;
import org.civicmail.webmail.imap.MailboxAccess;
import org.civicmail.webmail.web.Http;
import org.civicmail.webmail.web.SessionStore;
import org.civicmail.webmail.web.WebSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /login/cert}: signs in the holder of a TLS client certificate issued by our CA. The certificate's
 * e-mail address picks the account; the webmail opens IMAP as the configured master user on its behalf.
 */
public final class CertificateLoginRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(CertificateLoginRoutes.class);

    private final Http http;
    private final SessionStore sessions;
    private final ClientCertificateCheck check;
    private final ImapConnector imap;
    private final boolean available;
    private final ZoneId zone;

    public CertificateLoginRoutes(Http http, SessionStore sessions, ClientCertificateCheck check, ImapConnector imap,
                                  boolean available, ZoneId zone) {
        this.http = http;
        this.sessions = sessions;
        this.check = check;
        this.imap = imap;
        this.available = available;
        this.zone = zone;
    }

    public void register(Javalin app) {
        app.get("/login/cert", this::login);
    }

    private void login(Context ctx) {
        UiText t = Http.text(ctx);
        if (!available) {
            refuse(ctx, HttpStatus.NOT_FOUND, t.get("cert.unavailable"));
            return;
        }
        X509Certificate[] chain = (X509Certificate[]) ctx.req().getAttribute("jakarta.servlet.request.X509Certificate");
        ClientCertificateCheck.Result r = check.check(chain);
        switch (r.outcome()) {
            case NONE -> refuse(ctx, HttpStatus.UNAUTHORIZED, t.get("cert.none"));
            case EXPIRED -> refuse(ctx, HttpStatus.FORBIDDEN, t.get("cert.expired"));
            case FOREIGN -> refuse(ctx, HttpStatus.FORBIDDEN, t.get("cert.foreign"));
            case NO_EMAIL -> refuse(ctx, HttpStatus.FORBIDDEN, t.get("cert.noemail"));
            case UNCHECKED -> refuse(ctx, HttpStatus.SERVICE_UNAVAILABLE, t.get("cert.unchecked"));
            case REVOKED -> refuse(ctx, HttpStatus.FORBIDDEN, t.get("cert.revoked") + (r.revokedAt() == null ? ""
                    : " (" + DateTimeFormatter.ISO_LOCAL_DATE.format(r.revokedAt().atZone(zone)) + ")"));
            case OK -> open(ctx, r.email());
        }
    }

    private void open(Context ctx, String email) {
        UiText t = Http.text(ctx);
        Store store;
        try {
            store = imap.connectAs(email);
        } catch (MessagingException e) {
            LOG.warn("certificate login of {}: master-user IMAP login failed: {}", email, e.toString());
            refuse(ctx, HttpStatus.FORBIDDEN, t.get("cert.noaccount") + " " + email);
            return;
        }
        MailboxAccess mailbox = new MailboxAccess(store, () -> imap.connectAs(email));
        WebSession anon = Http.session(ctx);
        Lang lang = anon.lang();
        sessions.remove(anon);
        http.setSessionCookie(ctx, sessions.signedIn(email, null, mailbox, lang));
        LOG.info("certificate login of {}", email);
        ctx.redirect("/mail", HttpStatus.SEE_OTHER);
    }

    private void refuse(Context ctx, HttpStatus status, String message) {
        http.error(ctx, status, Http.text(ctx).get("cert.refused"), message);
    }
}

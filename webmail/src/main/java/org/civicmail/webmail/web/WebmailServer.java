package org.civicmail.webmail.web;

import io.javalin.Javalin;
import io.javalin.http.HttpStatus;
import io.javalin.http.staticfiles.Location;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.civicmail.webmail.certlogin.CertificateLoginRoutes;
import org.civicmail.webmail.certlogin.ClientCertificateCheck;
import org.civicmail.webmail.compose.ComposeRoutes;
import org.civicmail.webmail.compose.MailSender;
import org.civicmail.webmail.config.WebmailConfig;
import org.civicmail.webmail.i18n.Lang;
import org.civicmail.webmail.i18n.SignaturePanelText;
import org.civicmail.webmail.i18n.UiText;
import org.civicmail.webmail.imap.ImapConnector;
import org.civicmail.verdict.Authorities;
import org.civicmail.verdict.SignatureVerifier;
import org.civicmail.verdict.revocation.RevocationSource;
import org.civicmail.webmail.prefs.Preferences;
import org.civicmail.webmail.tls.HttpsConnector;
import org.civicmail.webmail.trust.CityDomains;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP(S) front: Javalin with security headers on every response, session and sign-in filters, and the
 * route classes. Lifecycle: construct, {@link #start()} once, {@link #stop()} once.
 */
public final class WebmailServer {

    private static final Logger LOG = LoggerFactory.getLogger(WebmailServer.class);

    private final WebmailConfig config;
    private final SessionStore sessions;
    private final Javalin app;
    private final ScheduledExecutorService reaper = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "webmail-session-reaper");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param authorities whom signatures may chain to, the server's own (city CA certificates, root and issuing, which
     *                    also decide TLS client certificates; configured foreign roots for S/MIME only). With none,
     *                    every signature is "unknown issuer"
     * @param revocation  OCSP/CRL, shared by signature verification and certificate login
     */
    public WebmailServer(WebmailConfig config, Authorities authorities, RevocationSource revocation,
                         ImapConnector imap, MailSender sender, Clock clock) {
        List<X509Certificate> anchors = authorities.cityCertificates();
        this.config = config;
        this.sessions = new SessionStore(clock, config.sessionsPerAccount(), config.sessionsTotal());
        Http http = new Http(new Templates(), config.secureCookies(), config.zone(), config.certificateLogin(),
                new PreLoginCsrf(clock), new Preferences(config.preferencesFile()));
        SignatureVerifier verifier = new SignatureVerifier(authorities, revocation, revocation);

        this.app = Javalin.create(c -> {
            c.showJavalinBanner = false;
            c.http.maxRequestSize = 30_000_000L;
            c.staticFiles.add(sf -> {
                sf.hostedPath = "/static";
                sf.directory = "/static";
                sf.location = Location.CLASSPATH;
            });
            if (config.https()) {
                c.jetty.addConnector((server, httpConfig) -> {
                    try {
                        return HttpsConnector.create(server, httpConfig, config.httpHost(), config.httpPort(),
                                config.httpsKeystore(), config.httpsKeystorePassword(), config.clientCertRequested(),
                                anchors);
                    } catch (Exception e) {
                        throw new IllegalStateException(WebmailConfig.HTTPS_KEYSTORE + "=" + config.httpsKeystore()
                                + ": cannot set up HTTPS: " + e.getMessage(), e);
                    }
                });
            }
        });

        app.before(ctx -> {
            ctx.header("Content-Security-Policy", Http.CSP);
            ctx.header("X-Content-Type-Options", "nosniff");
            ctx.header("X-Frame-Options", "DENY");
            ctx.header("Referrer-Policy", "no-referrer");
            ctx.header("Cross-Origin-Opener-Policy", "same-origin");
            if (config.https()) {
                ctx.header("Strict-Transport-Security", "max-age=31536000");
            }
            if (ctx.path().startsWith("/static/")) {
                return;
            }
            ctx.header("Cache-Control", "no-store");
            WebSession s = sessions.get(ctx.cookie(Http.SESSION_COOKIE));
            boolean lapsed = s == null && ctx.cookie(Http.SESSION_COOKIE) != null;
            if (s == null) {
                // Before login nothing is stored: a flood of cookie-less requests costs no memory.
                s = WebSession.anonymous(http.preLoginToken(ctx),
                        Lang.fromCode(ctx.cookie(Http.LANG_COOKIE), config.defaultLang()), clock.instant());
            }
            ctx.attribute(Http.SESSION_ATTR, s);
            String path = ctx.path();
            if ((path.startsWith("/mail") || path.startsWith("/compose")) && !s.signedIn()) {
                ctx.redirect(signInFirst(ctx, lapsed), HttpStatus.SEE_OTHER);
                ctx.skipRemainingHandlers();
            }
        });
        app.exception(Exception.class, (e, ctx) -> {
            LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
            WebSession s = Http.session(ctx);
            UiText t = UiText.of(s == null ? config.defaultLang() : s.lang());
            if (s == null) {
                ctx.status(HttpStatus.INTERNAL_SERVER_ERROR).result(t.get("error.title"));
                return;
            }
            http.error(ctx, HttpStatus.INTERNAL_SERVER_ERROR, t.get("error.title"), t.get("error.server"));
        });
        // Unknown addresses get a page in the reader's language, not Javalin's English "Endpoint … not found".
        app.error(HttpStatus.NOT_FOUND, ctx -> {
            WebSession s = Http.session(ctx);
            if (s == null || ctx.path().startsWith("/static/") || ctx.attribute(Http.RENDERED_ATTR) != null) {
                return;
            }
            UiText t = UiText.of(s.lang());
            http.error(ctx, HttpStatus.NOT_FOUND, t.get("error.notfound.title"), t.get("error.notfound"));
        });

        new AuthRoutes(http, sessions, imap).register(app);
        CityDomains city = new CityDomains(config.cityDomains());
        new ReadRoutes(http, verifier, new SignaturePanelText(config.zone()), config.pageSize(),
                config.officialDomain(), city).register(app);
        new MailActionRoutes(http, sender, config.reportAddress()).register(app);
        new PreferenceRoutes(http).register(app);
        new ComposeRoutes(http, sender, city).register(app);
        new CertificateLoginRoutes(http, sessions,
                new ClientCertificateCheck(anchors, revocation, clock, config.revocationCheck()), imap,
                config.certificateLogin(), config.zone()).register(app);
    }

    /** The sign-in page, told where to return (a GET page as is; after a POST its form page) and whether time ran out. */
    static String signInFirst(io.javalin.http.Context ctx, boolean lapsed) {
        String back = "GET".equals(ctx.method().name())
                ? ctx.path() + (ctx.queryString() == null ? "" : "?" + ctx.queryString())
                : ctx.path().startsWith("/compose") ? "/compose" : "/mail";
        if (back.equals("/mail") && !lapsed) {
            return "/login";
        }
        return "/login?back=" + java.net.URLEncoder.encode(back, java.nio.charset.StandardCharsets.UTF_8)
                + (lapsed ? "&expired=1" : "");
    }

    /** Starts listening; @return the bound port (useful with port 0) */
    public int start() {
        app.start(config.httpHost(), config.httpPort());
        reaper.scheduleAtFixedRate(sessions::expireIdle, 1, 1, TimeUnit.MINUTES);
        return app.port();
    }

    /** Signed-in sessions held now (tests check that visitors who do not log in cost none). */
    public int liveSessions() {
        return sessions.liveCount();
    }

    /** Ends every session of {@code user}: the mail server disabled the account. */
    public int endSessionsOf(String user) {
        int ended = sessions.endSessionsOf(user);
        LOG.info("ended {} webmail session(s) of {} (account disabled)", ended, user);
        return ended;
    }

    public void stop() {
        reaper.shutdownNow();
        app.stop();
        sessions.closeAll();
    }
}

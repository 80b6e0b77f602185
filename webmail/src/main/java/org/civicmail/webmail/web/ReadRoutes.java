package org.civicmail.webmail.web;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.civicmail.webmail.i18n.FolderNames;
import org.civicmail.webmail.i18n.SignaturePanel;
import org.civicmail.webmail.i18n.SignaturePanelText;
import org.civicmail.webmail.i18n.UiText;
import org.civicmail.webmail.imap.ImapConnector;
import org.civicmail.webmail.imap.MailboxAccess;
import org.civicmail.webmail.imap.MessagePage;
import org.civicmail.webmail.render.MessageRenderer;
import org.civicmail.webmail.render.RenderedMessage;
import org.civicmail.verdict.SignatureVerdict;
import org.civicmail.verdict.SignatureVerifier;
import org.civicmail.verdict.VerdictHeader;
import org.civicmail.verdict.WarningHeader;

/** Folder list, message list, message page with signature panel, attachment download. */
public final class ReadRoutes {

    private final Http http;
    private final SignatureVerifier verifier;
    private final SignaturePanelText panelText;
    private final MessageRenderer renderer = new MessageRenderer();
    private final int pageSize;
    private final String officialDomain;

    public ReadRoutes(Http http, SignatureVerifier verifier, SignaturePanelText panelText, int pageSize,
                      String officialDomain) {
        this.http = http;
        this.verifier = verifier;
        this.panelText = panelText;
        this.pageSize = pageSize;
        this.officialDomain = officialDomain == null ? null : officialDomain.toLowerCase(Locale.ROOT);
    }

    public void register(Javalin app) {
        app.get("/mail", this::mailbox);
        app.get("/mail/msg", this::message);
        app.get("/mail/att", this::attachment);
    }

    static String folderParam(Context ctx) {
        String f = ctx.queryParam("f");
        return f == null || f.isBlank() ? "INBOX" : f;
    }

    static int intParam(Context ctx, String name, int dflt) {
        try {
            String v = ctx.queryParam(name);
            return v == null ? dflt : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            return dflt;
        }
    }

    static long uidParam(Context ctx) {
        try {
            return Long.parseLong(ctx.queryParam("uid"));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private void mailbox(Context ctx) throws MessagingException, IOException {
        WebSession s = Http.session(ctx);
        String folder = folderParam(ctx);
        MailboxAccess mb = s.mailbox();
        MessagePage page;
        try {
            page = mb.list(folder, intParam(ctx, "page", 1), pageSize, !"asc".equals(ctx.queryParam("order")),
                    ctx.queryParam("q"));
        } catch (MailboxAccess.FolderNotFound e) {
            notFound(ctx);
            return;
        }
        String notice = ctx.queryParam("sent") != null ? UiText.of(s.lang()).get("compose.sent") : null;
        http.render(ctx, "mailbox.jte", "view", new MailboxView(mb.folders(s.lang()),
                FolderNames.display(folder, s.lang()), page, notice));
    }

    /** Loads a message as stored, byte for byte, or answers 404 and returns null. */
    private MimeMessage load(Context ctx, String folder, long uid) throws MessagingException, IOException {
        MailboxAccess.Stored stored = stored(ctx, folder, uid);
        return stored == null ? null : parse(stored.raw());
    }

    private MailboxAccess.Stored stored(Context ctx, String folder, long uid) throws MessagingException, IOException {
        MailboxAccess.Stored stored;
        try {
            stored = uid < 0 ? null : Http.session(ctx).mailbox().stored(folder, uid);
        } catch (MailboxAccess.FolderNotFound e) {
            stored = null;
        }
        if (stored == null) {
            notFound(ctx);
        }
        return stored;
    }

    private static MimeMessage parse(byte[] raw) throws MessagingException {
        return new MimeMessage(ImapConnector.parsingSession(), new ByteArrayInputStream(raw));
    }

    private void notFound(Context ctx) {
        UiText t = Http.text(ctx);
        http.error(ctx, HttpStatus.NOT_FOUND, t.get("error.title"), t.get("msg.notfound"));
    }

    private void message(Context ctx) throws MessagingException, IOException {
        WebSession s = Http.session(ctx);
        String folder = folderParam(ctx);
        long uid = uidParam(ctx);
        MailboxAccess.Stored stored = stored(ctx, folder, uid);
        if (stored == null) {
            return;
        }
        MimeMessage m = parse(stored.raw());
        boolean images = "1".equals(ctx.queryParam("images"));
        RenderedMessage rendered = renderer.render(m, images);
        // The same verifier as the server's, on the same bytes, judging validity at the same moment (arrival).
        SignatureVerdict own = verifier.verify(stored.raw(), stored.arrivedAt());
        SignatureVerdict server = VerdictHeader.parse(m.getHeader(VerdictHeader.NAME, null)).orElse(null);
        SignaturePanel panel = panelText.panel(own, server, officialWarning(m, rendered.fromAddress()), s.lang());
        if (images) {
            ctx.header("Content-Security-Policy", Http.CSP_REMOTE_IMAGES);
        }
        http.render(ctx, "message.jte", "view",
                new MessageView(s.mailbox().folders(s.lang()), folder, uid, panel, rendered, images));
    }

    private boolean officialWarning(MimeMessage m, String fromAddress) throws MessagingException {
        if (WarningHeader.parse(m.getHeader(WarningHeader.NAME, ",")).contains(WarningHeader.Warning.UNSIGNED_OFFICIAL_SENDER)) {
            return true;
        }
        if (officialDomain != null && fromAddress != null) {
            String domain = fromAddress.substring(fromAddress.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
            return domain.equals(officialDomain) || domain.endsWith("." + officialDomain);
        }
        return false;
    }

    private void attachment(Context ctx) throws MessagingException, IOException {
        MimeMessage m = load(ctx, folderParam(ctx), uidParam(ctx));
        if (m == null) {
            return;
        }
        MessageRenderer.Download d = renderer.attachment(m, intParam(ctx, "n", -1));
        if (d == null) {
            notFound(ctx);
            return;
        }
        String name = d.attachment().name();
        String ascii = name.replaceAll("[^A-Za-z0-9._\\-]", "_");
        String encoded = URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
        ctx.contentType(d.attachment().contentType());
        ctx.header("Content-Disposition", (d.attachment().inline() ? "inline" : "attachment")
                + "; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded);
        // PDFs and images are shown by the browser itself; nothing here may run script or be framed.
        ctx.header("Content-Security-Policy", "default-src 'none'; img-src 'self'; object-src 'self'; "
                + "style-src 'unsafe-inline'; frame-ancestors 'self'");
        ctx.result(d.content().readAllBytes());
    }
}

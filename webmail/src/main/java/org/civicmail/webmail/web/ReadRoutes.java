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
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.civicmail.webmail.i18n.FolderNames;
import org.civicmail.webmail.i18n.SignaturePanel;
import org.civicmail.webmail.i18n.SignaturePanelText;
import org.civicmail.webmail.i18n.UiText;
import org.civicmail.webmail.imap.ImapConnector;
import org.civicmail.webmail.imap.MailboxAccess;
import org.civicmail.webmail.imap.MessagePage;
import org.civicmail.webmail.imap.MessageSummary;
import org.civicmail.webmail.trust.AgencyNames;
import org.civicmail.webmail.trust.CityDomains;
import org.civicmail.webmail.trust.TrustLine;
import org.civicmail.webmail.render.MessageRenderer;
import org.civicmail.webmail.render.RenderedMessage;
import org.civicmail.verdict.SignatureVerdict;
import org.civicmail.verdict.SignatureVerifier;
import org.civicmail.verdict.VerdictHeader;
import org.civicmail.verdict.WarningHeader;

/**
 * Folder list, message list with the server's trust verdict per row, message page with banner and signature panel,
 * attachment and original (.eml) download.
 */
public final class ReadRoutes {

    private final Http http;
    private final SignatureVerifier verifier;
    private final SignaturePanelText panelText;
    private final MessageRenderer renderer = new MessageRenderer();
    private final int pageSize;
    private final String officialDomain;
    private final CityDomains city;
    private final AgencyNames agencies = new AgencyNames();

    public ReadRoutes(Http http, SignatureVerifier verifier, SignaturePanelText panelText, int pageSize,
                      String officialDomain, CityDomains city) {
        this.http = http;
        this.verifier = verifier;
        this.panelText = panelText;
        this.pageSize = pageSize;
        this.officialDomain = officialDomain == null ? null : officialDomain.toLowerCase(Locale.ROOT);
        this.city = city;
    }

    /** Names learnt on this server's pages are shared by all sessions (certificate names are public). */
    AgencyNames agencies() {
        return agencies;
    }

    public void register(Javalin app) {
        app.get("/mail", this::mailbox);
        app.get("/mail/msg", this::message);
        app.get("/mail/att", this::attachment);
        app.get("/mail/eml", this::original);
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

    /** How many unknown agency names one list page may look up (one full fetch and check each). */
    private static final int NAME_LOOKUPS_PER_PAGE = 5;
    /** Hits shown for a search in every folder (newest first). */
    private static final int ALL_FOLDERS_LIMIT = 100;

    private void mailbox(Context ctx) throws MessagingException, IOException {
        WebSession s = Http.session(ctx);
        String folder = folderParam(ctx);
        MailboxAccess mb = s.mailbox();
        String query = ctx.queryParam("q");
        boolean everywhere = "1".equals(ctx.queryParam("all")) && query != null && !query.isBlank();
        MessagePage page;
        List<MailboxAccess.FolderHit> hits = new ArrayList<>();
        try {
            if (everywhere) {
                for (MailboxAccess.FolderHit h : mb.searchAll(query, ALL_FOLDERS_LIMIT)) {
                    hits.add(h);
                }
                page = new MessagePage(folder, List.of(), 1, 1, hits.size(), true, query.trim());
            } else {
                page = mb.list(folder, intParam(ctx, "page", 1), pageSize, !"asc".equals(ctx.queryParam("order")), query);
                for (MessageSummary m : page.messages()) {
                    hits.add(new MailboxAccess.FolderHit(folder, m));
                }
            }
        } catch (MailboxAccess.FolderNotFound e) {
            notFound(ctx);
            return;
        }
        List<ListRow> rows = new ArrayList<>();
        int lookups = 0;
        for (MailboxAccess.FolderHit h : hits) {
            MessageSummary m = h.message();
            TrustLine trust = TrustLine.of(m.signature(), m.warnings(), m.fromAddress(), officialDomain);
            String agency = null;
            if (trust.state() == TrustLine.State.VERIFIED) {
                agency = agencies.get(trust.serial());
                if (agency == null && lookups++ < NAME_LOOKUPS_PER_PAGE) {
                    MailboxAccess.Stored stored = mb.stored(h.folder(), m.uid(), false);
                    agency = stored == null ? null : learnAgency(stored, trust);
                }
                if (agency == null) {
                    agency = trust.signer() != null ? trust.signer() : m.fromAddress();
                }
            }
            rows.add(new ListRow(h.folder(), m, trust, agency,
                    m.replyTo() != null && !m.replyTo().equalsIgnoreCase(m.fromAddress())));
        }
        http.render(ctx, "mailbox.jte", "view", new MailboxView(mb.folders(s.lang()),
                FolderNames.display(folder, s.lang()), page, List.copyOf(rows), Notices.text(ctx), everywhere));
    }

    /**
     * Learns the agency name of a verified message from this webmail's own full check of the same message, used
     * only when that check agrees with the server on serial and signer address.
     * @return the name, or {@code null} when the checks do not agree
     */
    private String learnAgency(MailboxAccess.Stored stored, TrustLine trust) {
        return learnAgency(verifier.verify(stored.raw(), stored.arrivedAt()), trust);
    }

    private String learnAgency(SignatureVerdict own, TrustLine trust) {
        if (!own.isValid() || own.serial().isEmpty() || trust.serial() == null
                || !own.serial().get().toString(16).equalsIgnoreCase(trust.serial().replaceFirst("^0+(?=.)", ""))
                || own.signer().isEmpty() || !own.signer().get().equalsIgnoreCase(trust.signer())) {
            return null;
        }
        String name = own.organisation().or(own::signerName).orElse(null);
        if (name == null) {
            return null;
        }
        agencies.put(trust.serial(), name);
        return name;
    }

    private static MimeMessage parse(byte[] raw) throws MessagingException {
        return new MimeMessage(ImapConnector.parsingSession(), new ByteArrayInputStream(raw));
    }

    /** Loads a message as stored, byte for byte, or answers 404 and returns null. */
    private MimeMessage load(Context ctx, String folder, long uid) throws MessagingException, IOException {
        MailboxAccess.Stored stored = stored(ctx, folder, uid);
        return stored == null ? null : parse(stored.raw());
    }

    /** The message's bytes and arrival time, or answers 404 and returns null. */
    private MailboxAccess.Stored stored(Context ctx, String folder, long uid) throws MessagingException, IOException {
        MailboxAccess.Stored stored;
        try {
            stored = uid < 0 ? null : Http.session(ctx).mailbox().stored(folder, uid, true);
        } catch (MailboxAccess.FolderNotFound e) {
            stored = null;
        }
        if (stored == null) {
            notFound(ctx);
        }
        return stored;
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
        String serverValue = m.getHeader(VerdictHeader.NAME, null);
        SignatureVerdict server = VerdictHeader.parse(serverValue).orElse(null);
        TrustLine trust = TrustLine.of(serverValue, m.getHeader(WarningHeader.NAME, ","),
                rendered.fromAddress(), officialDomain);
        String agency = null;
        if (trust.state() == TrustLine.State.VERIFIED) {
            agency = agencies.get(trust.serial());
            if (agency == null) {
                agency = learnAgency(own, trust);
            }
            if (agency == null) {
                agency = trust.signer();
            }
        }
        // The warning about unsigned official mail is the trust banner now, from the server's verdict.
        SignaturePanel panel = panelText.panel(own, server, false, s.lang());
        if (images) {
            ctx.header("Content-Security-Policy", Http.CSP_REMOTE_IMAGES);
        }
        boolean replyToDiffers = rendered.replyToAddress() != null
                && !rendered.replyToAddress().equalsIgnoreCase(rendered.fromAddress());
        boolean replyToOutside = replyToDiffers && !city.isEmpty() && !city.contains(rendered.replyToAddress());
        http.render(ctx, "message.jte", "view",
                new MessageView(s.mailbox().folders(s.lang()), folder, uid, panel, rendered, images, trust, agency,
                        replyToDiffers, replyToOutside, Notices.text(ctx)));
    }

    /** The message exactly as stored, as an .eml download (a signed original keeps its signature). */
    private void original(Context ctx) throws MessagingException, IOException {
        String folder = folderParam(ctx);
        long uid = uidParam(ctx);
        byte[] raw;
        try {
            raw = uid < 0 ? null : Http.session(ctx).mailbox().raw(folder, uid);
        } catch (MailboxAccess.FolderNotFound e) {
            raw = null;
        }
        if (raw == null) {
            notFound(ctx);
            return;
        }
        ctx.contentType("message/rfc822");
        ctx.header("Content-Disposition", "attachment; filename=\"message-" + uid + ".eml\"");
        ctx.header("Content-Security-Policy", "default-src 'none'; sandbox");
        ctx.result(raw);
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

package org.civicmail.webmail.compose;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.http.UploadedFile;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.civicmail.webmail.i18n.UiText;
import org.civicmail.webmail.imap.ImapConnector;
import org.civicmail.webmail.render.Attachment;
import org.civicmail.webmail.render.MessageRenderer;
import org.civicmail.webmail.render.RenderedMessage;
import org.civicmail.webmail.trust.CityDomains;
import org.civicmail.webmail.web.Http;
import org.civicmail.webmail.web.WebSession;
import org.jsoup.Jsoup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Compose, reply, forward, drafts; sending goes through submission so the server can sign. */
public final class ComposeRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(ComposeRoutes.class);
    static final String DRAFTS = "Drafts";
    static final String SENT = "Sent";

    private final Http http;
    private final MailSender sender;
    private final MessageComposer composer = new MessageComposer();
    private final MessageRenderer renderer = new MessageRenderer();
    private final CityDomains city;

    public ComposeRoutes(Http http, MailSender sender, CityDomains city) {
        this.http = http;
        this.sender = sender;
        this.city = city;
    }

    public void register(Javalin app) {
        app.get("/compose", this::form);
        app.post("/compose", this::submit);
    }

    private void show(Context ctx, ComposeForm form) throws MessagingException, IOException {
        show(ctx, form, List.of());
    }

    /** @param outside recipients outside the city that a reply is about to go to: asks to confirm them */
    private void show(Context ctx, ComposeForm form, List<String> outside) throws MessagingException, IOException {
        WebSession s = Http.session(ctx);
        http.render(ctx, "compose.jte", "folders", s.mailbox().folders(s.lang()), "form", form, "outside", outside,
                "autosaved", parseLong(ctx.formParam("autosaved")));
    }

    /** Removes the draft the page saved by itself, once the letter is sent or saved by hand. */
    private void dropAutosaved(Context ctx, WebSession s) {
        long uid = parseLong(ctx.formParam("autosaved"));
        if (uid > 0) {
            try {
                s.mailbox().purge(DRAFTS, new long[] {uid});
            } catch (MessagingException | IOException e) {
                LOG.warn("could not remove autosaved draft {} of {}: {}", uid, s.user(), e.toString());
            }
        }
    }

    private MimeMessage original(WebSession s, String folder, long uid) throws MessagingException, IOException {
        byte[] raw = uid <= 0 || folder == null || folder.isBlank() ? null : s.mailbox().raw(folder, uid);
        return raw == null ? null : new MimeMessage(ImapConnector.parsingSession(), new ByteArrayInputStream(raw));
    }

    private void form(Context ctx) throws MessagingException, IOException {
        WebSession s = Http.session(ctx);
        String mode = ctx.queryParam("mode");
        String folder = ctx.queryParam("f");
        long uid = parseLong(ctx.queryParam("uid"));
        MimeMessage orig = mode == null ? null : original(s, folder, uid);
        ComposeForm form = ComposeForm.empty();
        if (orig != null) {
            RenderedMessage r = renderer.render(orig, false);
            String text = r.text() != null ? r.text() : Jsoup.parse(r.html()).wholeText();
            String subject = orig.getSubject() == null ? "" : orig.getSubject();
            String id = orig.getMessageID() == null ? "" : orig.getMessageID();
            String refs = orig.getHeader("References", " ");
            switch (mode) {
                case "reply", "replyall" -> form = new ComposeForm(
                        mode.equals("reply") ? replyAddress(orig) : replyAllTo(orig, s.user()),
                        mode.equals("reply") ? "" : others(orig.getRecipients(MimeMessage.RecipientType.CC), s.user()),
                        prefixed("Re: ", subject),
                        "\n\n" + quote(r.date() == null ? "" : r.from() + ":", text), id, refs == null ? "" : refs,
                        "", 0, null, null);
                case "forward" -> form = new ComposeForm("", "", prefixed("Fwd: ", subject),
                        "\n\n---------- Forwarded message ----------\nFrom: " + r.from() + "\nSubject: " + subject
                                + "\n\n" + text, "", "", folder, uid, null, null);
                case "draft" -> form = new ComposeForm(r.to(), r.cc(), subject, text, "", "", "", 0, null, null);
                default -> { }
            }
        } else if (ctx.queryParam("to") != null) {
            form = new ComposeForm(ctx.queryParam("to"), "", "", "", "", "", "", 0, null, null);
        }
        show(ctx, form);
    }

    private void submit(Context ctx) throws MessagingException, IOException {
        if (!http.checkCsrf(ctx)) {
            return;
        }
        WebSession s = Http.session(ctx);
        UiText t = UiText.of(s.lang());
        ComposeForm form = new ComposeForm(param(ctx, "to"), param(ctx, "cc"), param(ctx, "subject"),
                param(ctx, "body"), param(ctx, "inReplyTo"), param(ctx, "references"), param(ctx, "forwardFolder"),
                parseLong(ctx.formParam("forwardUid")), null, null);
        List<MessageComposer.Upload> uploads = new ArrayList<>();
        for (UploadedFile f : ctx.uploadedFiles("attachments")) {
            if (f.filename() == null || f.filename().isBlank()) {
                continue;
            }
            try (var in = f.content()) {
                uploads.add(new MessageComposer.Upload(MessageRenderer.safeFileName(f.filename(), uploads.size()),
                        f.contentType(), in.readAllBytes()));
            }
        }
        MimeMessage orig = form.forwardUid() > 0 ? original(s, form.forwardFolder(), form.forwardUid()) : null;
        if (orig != null) {
            RenderedMessage r = renderer.render(orig, false);
            for (Attachment a : r.attachments()) {
                MessageRenderer.Download d = renderer.attachment(orig, a.index());
                try (var in = d.content()) {
                    uploads.add(new MessageComposer.Upload(a.name(), a.contentType(), in.readAllBytes()));
                }
            }
        }
        boolean autosave = "autosave".equals(ctx.formParam("action"));
        boolean draft = autosave || "draft".equals(ctx.formParam("action"));
        MimeMessage message;
        try {
            message = composer.build(s.user(), form, uploads, !draft);
        } catch (MessageComposer.BadAddress e) {
            ctx.status(HttpStatus.BAD_REQUEST);
            show(ctx, form.withError(t.get("compose.bad-address") + e.getMessage()));
            return;
        }
        if (autosave) {
            // The page's script saves every half minute; each save replaces the one before.
            long uid = s.mailbox().appendDraft(DRAFTS, message);
            long previous = parseLong(ctx.formParam("autosaved"));
            if (previous > 0 && previous != uid) {
                s.mailbox().purge(DRAFTS, new long[] {previous});
            }
            ctx.contentType("text/plain; charset=utf-8").result(uid > 0 ? String.valueOf(uid) : "");
            return;
        }
        if (draft) {
            s.mailbox().append(DRAFTS, message, true);
            dropAutosaved(ctx, s);
            http.render(ctx, "compose.jte", "folders", s.mailbox().folders(s.lang()), "form",
                    form.withNotice(t.get("compose.saved")), "outside", List.of());
            return;
        }
        List<String> outside = outsideCity(message);
        if (!form.inReplyTo().isBlank() && !outside.isEmpty() && !String.join(",", outside).equals(ctx.formParam("confirmOutside"))) {
            // A reply leaving the city is where a forged notice's Reply-To leads: ask, in words, for exactly
            // these addresses (changing them asks again).
            show(ctx, form, outside);
            return;
        }
        try {
            sender.send(message, s.user(), s.password());
        } catch (MessagingException e) {
            LOG.warn("submission failed for {}: {}", s.user(), e.toString());
            ctx.status(HttpStatus.BAD_GATEWAY);
            show(ctx, form.withError(SendErrors.describe(e, t)));
            return;
        }
        dropAutosaved(ctx, s);
        try {
            s.mailbox().append(SENT, message, true);
        } catch (MessagingException e) {
            LOG.warn("sent, but could not keep a copy in {} for {}: {}", SENT, s.user(), e.toString());
        }
        ctx.redirect("/mail?sent=1", HttpStatus.SEE_OTHER);
    }

    private static String param(Context ctx, String name) {
        String v = ctx.formParam(name);
        return v == null ? "" : v;
    }

    private static long parseLong(String v) {
        try {
            return v == null ? 0 : Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    static String prefixed(String prefix, String subject) {
        return subject.toLowerCase(Locale.ROOT).startsWith(prefix.toLowerCase(Locale.ROOT)) ? subject : prefix + subject;
    }

    static String quote(String intro, String text) {
        StringBuilder sb = new StringBuilder(intro).append('\n');
        for (String line : text.split("\r?\n", -1)) {
            sb.append("> ").append(line).append('\n');
        }
        return sb.toString();
    }

    private List<String> outsideCity(MimeMessage m) throws MessagingException {
        List<String> out = new ArrayList<>();
        Address[] all = m.getAllRecipients();
        if (all != null && !city.isEmpty()) {
            for (Address a : all) {
                if (a instanceof InternetAddress ia && !city.contains(ia.getAddress())) {
                    out.add(ia.getAddress());
                }
            }
        }
        return out;
    }

    /** Reply-all: the reply address plus the other To recipients, without the reader. */
    private static String replyAllTo(MimeMessage m, String self) throws MessagingException {
        String first = replyAddress(m);
        String rest = others(m.getRecipients(MimeMessage.RecipientType.TO), self);
        return first.isEmpty() ? rest : rest.isEmpty() ? first : first + ", " + rest;
    }

    private static String others(Address[] list, String self) {
        List<String> out = new ArrayList<>();
        if (list != null) {
            for (Address a : list) {
                if (a instanceof InternetAddress ia && ia.getAddress() != null && !ia.getAddress().equalsIgnoreCase(self)
                        && !out.contains(ia.getAddress())) {
                    out.add(ia.getAddress());
                }
            }
        }
        return String.join(", ", out);
    }

    private static String replyAddress(MimeMessage m) throws MessagingException {
        Address[] to = m.getReplyTo();
        if (to == null || to.length == 0) {
            to = m.getFrom();
        }
        if (to != null && to.length > 0 && to[0] instanceof InternetAddress ia) {
            return ia.getAddress();
        }
        return "";
    }
}

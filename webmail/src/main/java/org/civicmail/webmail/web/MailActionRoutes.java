package org.civicmail.webmail.web;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import jakarta.mail.Flags;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.civicmail.webmail.compose.AbuseReport;
import org.civicmail.webmail.compose.MailSender;
import org.civicmail.webmail.i18n.HeaderText;
import org.civicmail.webmail.imap.FolderView;
import org.civicmail.webmail.imap.ImapConnector;
import org.civicmail.webmail.i18n.UiText;
import org.civicmail.webmail.imap.MailboxAccess;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a reader does to messages, one or many at once (POST, CSRF-checked, then a redirect back): delete (to Trash,
 * for good in Trash), empty Trash, move, mark read/unread, flag, and report ("举报": to Junk, plus a notice with the
 * message attached to the city's report address when one is configured).
 */
public final class MailActionRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(MailActionRoutes.class);

    private final Http http;
    private final MailSender sender;
    private final String reportAddress;

    /** @param reportAddress where reports go, or {@code null} to only move reported mail to Junk */
    public MailActionRoutes(Http http, MailSender sender, String reportAddress) {
        this.http = http;
        this.sender = sender;
        this.reportAddress = reportAddress;
    }

    public void register(Javalin app) {
        app.post("/mail/action", this::act);
    }

    private void act(Context ctx) throws MessagingException, IOException {
        if (!http.checkCsrf(ctx)) {
            return;
        }
        WebSession s = Http.session(ctx);
        MailboxAccess mb = s.mailbox();
        String folder = ctx.formParam("f") == null || ctx.formParam("f").isBlank() ? "INBOX" : ctx.formParam("f");
        String action = ctx.formParam("action") == null ? "" : ctx.formParam("action");
        long[] uids = ctx.formParams("uid").stream().mapToLong(MailActionRoutes::uid).filter(u -> u > 0).toArray();
        UiText t = Http.text(ctx);
        if (uids.length == 0 && !action.equals("empty-trash")) {
            back(ctx, folder, 0, "nothing");
            return;
        }
        String done;
        boolean stay = false;
        try {
            switch (action) {
                case "delete" -> {
                    mb.delete(folder, uids);
                    done = folder.equalsIgnoreCase(MailboxAccess.TRASH) ? "purged" : "deleted";
                }
                case "empty-trash" -> {
                    mb.emptyTrash();
                    done = "emptied";
                }
                case "move" -> {
                    String target = ctx.formParam("target");
                    List<String> known = mb.folders(s.lang()).stream().map(FolderView::name).toList();
                    if (target == null || !known.contains(target)) {
                        http.error(ctx, HttpStatus.BAD_REQUEST, t.get("error.title"), t.get("action.bad-target"));
                        return;
                    }
                    mb.move(folder, uids, target);
                    done = "moved";
                }
                case "read", "unread" -> {
                    mb.flag(folder, uids, Flags.Flag.SEEN, action.equals("read"));
                    done = action;
                }
                case "flag", "unflag" -> {
                    mb.flag(folder, uids, Flags.Flag.FLAGGED, action.equals("flag"));
                    done = action.equals("flag") ? "flagged" : "unflagged";
                    stay = true;
                }
                case "report" -> {
                    boolean told = report(s, mb, folder, uids);
                    mb.move(folder, uids, MailboxAccess.JUNK);
                    // say "the administrators were told" only when they were
                    done = reportAddress == null ? "reported-junk" : told ? "reported" : "reported-unsent";
                }
                default -> {
                    http.error(ctx, HttpStatus.BAD_REQUEST, t.get("error.title"), t.get("action.unknown"));
                    return;
                }
            }
        } catch (MailboxAccess.FolderNotFound e) {
            http.error(ctx, HttpStatus.NOT_FOUND, t.get("error.title"), t.get("msg.notfound"));
            return;
        }
        boolean fromMessage = "msg".equals(ctx.formParam("from")) && uids.length == 1;
        back(ctx, folder, fromMessage && stay ? uids[0] : 0, done);
    }

    /**
     * Sends one notice per reported message; a failure to notify is logged and does not stop the move.
     * @return whether every notice was sent ({@code false} without a report address)
     */
    private boolean report(WebSession s, MailboxAccess mb, String folder, long[] uids) throws MessagingException, IOException {
        if (reportAddress == null) {
            return false;
        }
        boolean all = true;
        for (long uid : uids) {
            byte[] raw = mb.raw(folder, uid, false);
            if (raw == null) {
                continue;
            }
            MimeMessage original = new MimeMessage(ImapConnector.parsingSession(), new ByteArrayInputStream(raw));
            String subject = HeaderText.latin1Value(original.getHeader("Subject", null));
            try {
                sender.send(AbuseReport.build(s.user(), reportAddress, subject, raw), s.user(), s.password());
            } catch (MessagingException e) {
                all = false;
                LOG.warn("report by {} of message {} in {} could not be sent to {}: {}", s.user(), uid, folder,
                        reportAddress, e.toString());
            }
        }
        return all;
    }

    private static void back(Context ctx, String folder, long uid, String done) {
        String f = URLEncoder.encode(folder, StandardCharsets.UTF_8);
        ctx.redirect(uid > 0 ? "/mail/msg?f=" + f + "&uid=" + uid + "&done=" + done : "/mail?f=" + f + "&done=" + done,
                HttpStatus.SEE_OTHER);
    }

    private static long uid(String v) {
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}

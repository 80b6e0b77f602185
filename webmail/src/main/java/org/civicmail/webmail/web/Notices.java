package org.civicmail.webmail.web;

import io.javalin.http.Context;
import java.util.Set;

/**
 * The one-line confirmation shown after a redirect ("已移到已删除" …): the redirect carries {@code done=WORD}, the
 * page shows the text for that word. Only known words are shown, so a link cannot put text on the page.
 */
final class Notices {

    static final Set<String> WORDS = Set.of("sent", "deleted", "moved", "read", "unread", "flagged", "unflagged",
            "reported", "reported-junk", "reported-unsent", "emptied", "purged");

    private Notices() {}

    static String text(Context ctx) {
        String word = ctx.queryParam("sent") != null ? "sent" : ctx.queryParam("done");
        return word != null && WORDS.contains(word) ? Http.text(ctx).get("done." + word) : null;
    }
}

package org.civicmail.imap.uidplus;

import org.apache.james.imap.api.message.response.ImapResponseMessage;
import org.apache.james.imap.api.process.ImapProcessor.Responder;
import org.apache.james.imap.api.process.SelectedMailbox;
import org.apache.james.imap.message.response.ExistsResponse;
import org.apache.james.imap.message.response.ExpungeResponse;

/**
 * A MOVE's report with its EXPUNGEs before the EXISTS, as Dovecot sends it (imaptest's MOVE-to-the-same-folder
 * script expects {@code * 1 EXPUNGE} then {@code * 1 EXISTS}). James reports EXISTS first, counting the messages
 * about to be expunged; either order is valid IMAP. The EXISTS is held and sent, with the count left after the
 * expunges, before the first other response; an EXPUNGE of a message the client was never told of (added and expunged
 * since the last report) cannot precede its EXISTS, so the EXISTS goes out first then, counting that message.
 */
final class ExpungesBeforeExists implements Responder {
    private final Responder next;
    private final SelectedMailbox selected;
    private long known;
    private boolean held;

    /** {@code selected}'s count must still be the one the client knows (before the command reports changes). */
    ExpungesBeforeExists(Responder next, SelectedMailbox selected) {
        this.next = next;
        this.selected = selected;
        this.known = selected.existsCount();
    }

    @Override
    public void respond(ImapResponseMessage message) {
        if (message instanceof ExistsResponse) {
            held = true;
            return;
        }
        if (message instanceof ExpungeResponse expunge && held) {
            int msn = expunge.getMessageSequenceNumber().asInt().orElse(Integer.MAX_VALUE);
            if (msn <= known) {
                known--;
                next.respond(message);
                return;
            }
            // James has already taken this message out of its count: the client must hear of it first.
            sendExists(selected.existsCount() + 1);
        } else if (held) {
            sendExists(selected.existsCount());
        }
        next.respond(message);
    }

    @Override
    public void flush() {
        if (held) {
            sendExists(selected.existsCount());
        }
        next.flush();
    }

    private void sendExists(long count) {
        held = false;
        next.respond(new ExistsResponse(count));
    }
}

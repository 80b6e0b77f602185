package org.civicmail.imap.view;

import java.util.Optional;

import javax.mail.Flags;

import org.apache.james.imap.api.message.response.ImapResponseMessage;
import org.apache.james.imap.api.process.ImapProcessor.Responder;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.api.process.SelectedMailbox;
import org.apache.james.imap.message.response.FetchResponse;
import org.apache.james.mailbox.MessageUid;

/**
 * A FETCH shows {@code \Recent} only for messages recent in this session (RFC 3501 section 2.3.2). James's FETCH and
 * STORE answers add the session's recent messages to the flags as stored but never take the stored {@code \Recent}
 * away, so a message recent in another session (or whose stored flag a SELECT has not cleared yet,
 * {@code RecentFlagResets}) showed as recent here too.
 */
final class RecentOfThisSession implements Responder {
    private final Responder next;
    private final ImapSession session;

    RecentOfThisSession(Responder next, ImapSession session) {
        this.next = next;
        this.session = session;
    }

    @Override
    public void respond(ImapResponseMessage message) {
        SelectedMailbox selected = session.getSelected();
        if (message instanceof FetchResponse fetch && fetch.getFlags() != null && selected != null
                && fetch.getFlags().contains(Flags.Flag.RECENT)) {
            Optional<MessageUid> uid = Optional.ofNullable(fetch.getUid()).or(() -> selected.uid(fetch.getMessageNumber().asInt()));
            if (uid.isPresent() && !selected.isRecent(uid.get())) {
                // The flags object is the response's own (built for it by James), so it is changed in place.
                fetch.getFlags().remove(Flags.Flag.RECENT);
            }
        }
        next.respond(message);
    }

    @Override
    public void flush() {
        next.flush();
    }
}

package org.civicmail.imap.view;

import org.apache.james.imap.api.message.response.ImapResponseMessage;
import org.apache.james.imap.api.process.ImapProcessor.Responder;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.api.process.SelectedMailbox;
import org.apache.james.imap.message.response.ExistsResponse;

/**
 * SELECT/EXAMINE's EXISTS counted from the selected folder's sequence-number map. James 3.8.1 counts the folder's
 * messages in a query of its own, made after the map was read: a message appended in between was counted but had no
 * sequence number yet, so the client's FETCH of it was answered {@code BAD Invalid messageset} (imaptest), and an
 * EXISTS disagreed with {@code FETCH 1:*} (ImapConcurrencyIT's "view gaps").
 */
public final class ViewCountedExists implements Responder {
    private final Responder next;
    private final ImapSession session;

    public ViewCountedExists(Responder next, ImapSession session) {
        this.next = next;
        this.session = session;
    }

    @Override
    public void respond(ImapResponseMessage message) {
        SelectedMailbox selected = session.getSelected();
        if (message instanceof ExistsResponse && selected != null) {
            next.respond(new ExistsResponse(selected.existsCount()));
        } else {
            next.respond(message);
        }
    }

    @Override
    public void flush() {
        next.flush();
    }
}

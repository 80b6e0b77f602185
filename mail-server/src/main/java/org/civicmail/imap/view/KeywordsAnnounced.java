package org.civicmail.imap.view;

import java.util.Set;
import java.util.TreeSet;

import javax.mail.Flags;

import org.apache.james.imap.api.message.response.ImapResponseMessage;
import org.apache.james.imap.api.process.ImapProcessor.Responder;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.api.process.SelectedMailbox;
import org.apache.james.imap.message.response.FetchResponse;
import org.apache.james.imap.message.response.FlagsResponse;

/**
 * Sends an untagged FLAGS before a FETCH whose flags carry a keyword the last FLAGS of the session did not list
 * (RFC 3501 section 7.2.6: FLAGS lists the flags the folder's messages use; imaptest: "Keyword used without being
 * in FLAGS"). James announces a keyword only when it applies the event of the STORE that set it, which can come after
 * a FETCH that already reads the keyword from the database (this session's own STORE, a FETCH FLAGS racing another
 * session's STORE). The keywords last announced are kept in the session; a SELECT's FLAGS replaces them.
 */
final class KeywordsAnnounced implements Responder {
    private static final String ANNOUNCED = "org.civicmail.imap.view.ANNOUNCED_KEYWORDS";

    private final Responder next;
    private final ImapSession session;

    KeywordsAnnounced(Responder next, ImapSession session) {
        this.next = next;
        this.session = session;
    }

    @Override
    public void respond(ImapResponseMessage message) {
        if (message instanceof FlagsResponse flags) {
            session.setAttribute(ANNOUNCED, keywords(flags.getFlags()));
        } else if (message instanceof FetchResponse fetch && fetch.getFlags() != null) {
            announce(keywords(fetch.getFlags()));
        }
        next.respond(message);
    }

    @Override
    public void flush() {
        next.flush();
    }

    private void announce(Set<String> used) {
        SelectedMailbox selected = session.getSelected();
        Set<String> announced = announced();
        if (selected == null || announced.containsAll(used)) {
            return;
        }
        Flags all = selected.getApplicableFlags();
        announced.forEach(all::add);
        used.forEach(all::add);
        all.remove(Flags.Flag.RECENT);
        respond(new FlagsResponse(all));
    }

    @SuppressWarnings("unchecked")
    private Set<String> announced() {
        Object announced = session.getAttribute(ANNOUNCED);
        return announced instanceof Set<?> set ? (Set<String>) set : Set.of();
    }

    private static Set<String> keywords(Flags flags) {
        return new TreeSet<>(Set.of(flags.getUserFlags()));
    }
}

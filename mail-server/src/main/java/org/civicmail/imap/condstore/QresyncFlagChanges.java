package org.civicmail.imap.condstore;

import java.util.ArrayList;
import java.util.List;

import javax.mail.Flags;

import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.message.UidRange;
import org.apache.james.imap.api.message.response.ImapResponseMessage;
import org.apache.james.imap.api.message.response.StatusResponse;
import org.apache.james.imap.api.process.ImapProcessor.Responder;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.api.process.SelectedMailbox;
import org.apache.james.imap.message.request.AbstractMailboxSelectionRequest;
import org.apache.james.imap.message.response.FetchResponse;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.model.FetchGroup;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.mailbox.model.MessageResult;
import org.apache.james.mailbox.model.MessageResultIterator;

/**
 * The second half of a QRESYNC SELECT/EXAMINE (RFC 7162 section 3.2.5.1): before the tagged OK, a FETCH (UID, FLAGS,
 * MODSEQ) of every message whose mod-sequence is above the one the client gave, limited to its UID set. James 3.8.1
 * sends only the VANISHED half, so a client resyncing with QRESYNC kept stale flags.
 */
final class QresyncFlagChanges implements Responder {
    private final Responder next;
    private final ImapSession session;
    private final AbstractMailboxSelectionRequest request;

    QresyncFlagChanges(Responder next, ImapSession session, AbstractMailboxSelectionRequest request) {
        this.next = next;
        this.session = session;
        this.request = request;
    }

    /** The responder a SELECT or EXAMINE answers through: one that adds the flag changes if QRESYNC asked for them. */
    static Responder around(Responder next, ImapSession session, AbstractMailboxSelectionRequest request) {
        return asked(request) ? new QresyncFlagChanges(next, session, request) : next;
    }

    private static boolean asked(AbstractMailboxSelectionRequest request) {
        return !request.getLastKnownUidValidity().isUnknown() && request.getKnownModSeq() != null;
    }

    @Override
    public void respond(ImapResponseMessage message) {
        if (message instanceof StatusResponse status && status.getTag() != null
                && status.getServerResponseType() == StatusResponse.Type.OK
                && !HumanReadableText.QRESYNC_UIDVALIDITY_MISMATCH.equals(status.getTextKey())
                && session.getSelected() != null) {
            changedSince(session.getSelected()).forEach(next::respond);
        }
        next.respond(message);
    }

    @Override
    public void flush() {
        next.flush();
    }

    private List<FetchResponse> changedSince(SelectedMailbox selected) {
        long known = request.getKnownModSeq();
        UidRange[] uidSet = request.getUidSet();
        List<FetchResponse> changed = new ArrayList<>();
        try {
            MessageResultIterator messages = selected.getMessageManager().getMessages(MessageRange.all(), FetchGroup.MINIMAL,
                session.getMailboxSession());
            while (messages.hasNext()) {
                MessageResult message = messages.next();
                MessageUid uid = message.getUid();
                if (message.getModSeq().asLong() > known && (uidSet == null || inSet(uidSet, uid))) {
                    selected.msn(uid).ifPresent(msn -> changed.add(
                        new FetchResponse(msn, flags(selected, message), uid, null, message.getModSeq(), null, null, null, null, null,
                            null, null, null)));
                }
            }
        } catch (MailboxException e) {
            throw new IllegalStateException("cannot list the flag changes of " + selected.getMailboxId() + " for QRESYNC", e);
        }
        return changed;
    }

    private static Flags flags(SelectedMailbox selected, MessageResult message) {
        Flags flags = new Flags(message.getFlags());
        if (selected.isRecent(message.getUid())) {
            flags.add(Flags.Flag.RECENT);
        }
        return flags;
    }

    private static boolean inSet(UidRange[] set, MessageUid uid) {
        for (UidRange range : set) {
            if (range.includes(uid)) {
                return true;
            }
        }
        return false;
    }
}

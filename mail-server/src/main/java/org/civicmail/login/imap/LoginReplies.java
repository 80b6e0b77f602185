package org.civicmail.login.imap;

import java.util.Optional;

import org.apache.james.core.Username;
import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.message.response.StatusResponse;
import org.apache.james.imap.api.process.ImapProcessor.Responder;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.exception.MailboxException;

/**
 * The answers of both login processors (LOGIN and AUTHENTICATE) to {@link ImapLoginGate}'s decision: James's own
 * steps of a successful login, or a tagged NO with our response code. The steps are James's protected methods,
 * handed in by the processor that inherits them.
 */
final class LoginReplies implements ImapLoginGate.Replies {
    /** {@code AbstractAuthProcessor#provisionInbox} of the processor. */
    interface InboxProvisioning {
        void provision(MailboxSession mailboxSession) throws MailboxException;
    }

    /** {@code AbstractMailboxProcessor#no}: a tagged NO, with a response code or none (null). */
    interface TaggedNo {
        void no(HumanReadableText text, StatusResponse.ResponseCode codeOrNull);
    }

    private final ImapSession session;
    private final MailboxManager mailboxes;
    private final Responder responder;
    private final InboxProvisioning inbox;
    private final Runnable okComplete;
    private final TaggedNo taggedNo;

    LoginReplies(ImapSession session, MailboxManager mailboxes, Responder responder, InboxProvisioning inbox,
                 Runnable okComplete, TaggedNo taggedNo) {
        this.session = session;
        this.mailboxes = mailboxes;
        this.responder = responder;
        this.inbox = inbox;
        this.okComplete = okComplete;
        this.taggedNo = taggedNo;
    }

    @Override
    public void ok(Username user) throws Exception {
        session.authenticated();
        session.setMailboxSession(mailboxes.createSystemSession(user));
        inbox.provision(session.getMailboxSession());
        okComplete.run();
        responder.flush();
        session.stopDetectingCommandInjection();
    }

    @Override
    public void no(HumanReadableText text, Optional<StatusResponse.ResponseCode> code) {
        taggedNo.no(text, code.orElse(null));
        responder.flush();
    }
}

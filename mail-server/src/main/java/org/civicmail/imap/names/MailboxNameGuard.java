package org.civicmail.imap.names;

import org.apache.james.imap.api.ImapMessage;
import org.apache.james.imap.api.Tag;
import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.decode.ImapCommandParser;
import org.apache.james.imap.decode.ImapRequestLineReader;
import org.apache.james.imap.decode.base.AbstractImapCommandParser;
import org.apache.james.imap.message.request.ListRequest;
import org.apache.james.imap.message.request.LsubRequest;

/**
 * Wraps one of James's command parsers so that a mailbox name which is not valid modified UTF-7 gets a tagged
 * {@code NO} (as Dovecot answers) instead of dropping the connection, for every command that names a mailbox
 * (SELECT, EXAMINE, CREATE, DELETE, RENAME, STATUS, APPEND, SUBSCRIBE, COPY, MOVE, ACL and quota commands, and their
 * UID forms). A LIST or LSUB pattern that cannot be decoded matches no mailbox, since every stored name decodes:
 * the answer is an empty {@code OK}, decided here because James would decode the pattern only later, in its
 * processor, with the same fatal error.
 */
final class MailboxNameGuard implements ImapCommandParser {
    static final HumanReadableText NOT_MODIFIED_UTF7 = new HumanReadableText("org.civicmail.imap.MAILBOX_NAME_NOT_MUTF7",
        "failed. Mailbox name is not valid modified UTF-7 (RFC 3501 section 5.1.3).");

    private final AbstractImapCommandParser delegate;
    private final StatusResponseFactory responses;

    MailboxNameGuard(AbstractImapCommandParser delegate, StatusResponseFactory responses) {
        this.delegate = delegate;
        this.responses = responses;
    }

    @Override
    public ImapMessage parse(ImapRequestLineReader request, Tag tag, ImapSession session) {
        ImapMessage message;
        try {
            message = delegate.parse(request, tag, session);
        } catch (Error e) {
            if (ModifiedUtf7Names.isUndecodableName(e)) {
                return responses.taggedNo(tag, delegate.getCommand(), NOT_MODIFIED_UTF7);
            }
            throw e;
        }
        if (message instanceof ListRequest list && !(ModifiedUtf7Names.decodable(list.getBaseReferenceName())
                && ModifiedUtf7Names.decodable(list.getMailboxPattern()))) {
            return responses.taggedOk(tag, delegate.getCommand(), HumanReadableText.COMPLETED);
        }
        if (message instanceof LsubRequest lsub && !(ModifiedUtf7Names.decodable(lsub.getBaseReferenceName())
                && ModifiedUtf7Names.decodable(lsub.getMailboxPattern()))) {
            return responses.taggedOk(tag, delegate.getCommand(), HumanReadableText.COMPLETED);
        }
        return message;
    }
}

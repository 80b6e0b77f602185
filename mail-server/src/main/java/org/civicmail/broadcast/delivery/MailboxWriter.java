package org.civicmail.broadcast.delivery;

import java.util.Date;
import java.util.Iterator;
import java.util.Locale;

import javax.mail.Flags;

import org.apache.james.core.Username;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageManager;
import org.apache.james.mailbox.SubscriptionManager;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.exception.MailboxExistsException;
import org.apache.james.mailbox.exception.MailboxNotFoundException;
import org.apache.james.mailbox.model.FetchGroup;
import org.apache.james.mailbox.model.Header;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.mailbox.model.MessageResult;
import org.apache.james.mailbox.model.MessageResultIterator;

/**
 * Stores messages straight into a user's folder through James's {@link MailboxManager} (no SMTP, no queue), and
 * answers whether a folder already holds a Message-ID. The folder is created and subscribed on first use.
 * Thread-safe: James serialises appends per mailbox.
 */
public final class MailboxWriter {
    private final MailboxManager mailboxes;
    private final SubscriptionManager subscriptions;

    public MailboxWriter(MailboxManager mailboxes, SubscriptionManager subscriptions) {
        this.mailboxes = mailboxes;
        this.subscriptions = subscriptions;
    }

    /** Appends as a new (unseen, recent) message; throws OverQuotaException when the mailbox is full. */
    public void append(String address, String folder, byte[] message, Date internalDate) throws MailboxException {
        MailboxSession session = mailboxes.createSystemSession(Username.of(address));
        try {
            MessageManager box = folder(session, folder);
            box.appendMessage(MessageManager.AppendCommand.builder().withFlags(new Flags()).withInternalDate(internalDate)
                .recent().build(message), session);
        } finally {
            end(session);
        }
    }

    /**
     * Closes the session's JPA entity managers: OpenJPA keeps every open one (and the entities it loaded) reachable
     * from the factory, so a session per recipient that is never ended grows the heap with the audience.
     */
    private void end(MailboxSession session) {
        mailboxes.endProcessingRequest(session);
    }

    /** Whether the user's folder holds a message with this Message-ID (read from stored headers, not a search index). */
    public boolean contains(String address, String folder, String messageId) throws MailboxException {
        MailboxSession session = mailboxes.createSystemSession(Username.of(address));
        try {
            return contains(session, folder, messageId);
        } finally {
            end(session);
        }
    }

    private boolean contains(MailboxSession session, String folder, String messageId) throws MailboxException {
        MessageManager box;
        try {
            box = mailboxes.getMailbox(MailboxPath.forUser(session.getUser(), folder), session);
        } catch (MailboxNotFoundException e) {
            return false;
        }
        String wanted = messageId.trim().toLowerCase(Locale.ROOT);
        MessageResultIterator messages = box.getMessages(MessageRange.all(), FetchGroup.HEADERS, session);
        while (messages.hasNext()) {
            MessageResult m = messages.next();
            Iterator<Header> headers = m.getHeaders().headers();
            while (headers.hasNext()) {
                Header h = headers.next();
                if (h.getName().equalsIgnoreCase("Message-ID") && h.getValue().trim().toLowerCase(Locale.ROOT).equals(wanted)) {
                    return true;
                }
            }
        }
        return false;
    }

    private MessageManager folder(MailboxSession session, String folder) throws MailboxException {
        MailboxPath path = MailboxPath.forUser(session.getUser(), folder);
        try {
            return mailboxes.getMailbox(path, session);
        } catch (MailboxNotFoundException e) {
            try {
                mailboxes.createMailbox(path, session);
                subscriptions.subscribe(session, path);
            } catch (MailboxExistsException raced) {
                // Another worker created it first.
            }
            return mailboxes.getMailbox(path, session);
        }
    }
}

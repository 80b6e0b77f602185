package org.civicmail.broadcast.delivery;

import java.io.ByteArrayOutputStream;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.james.core.Username;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageManager;
import org.apache.james.mailbox.SubscriptionManager;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.exception.MailboxExistsException;
import org.apache.james.mailbox.exception.OverQuotaException;
import org.apache.james.mailbox.jpa.JPAId;
import org.apache.james.mailbox.model.ComposedMessageId;
import org.apache.james.mailbox.model.MailboxPath;
import org.civicmail.broadcast.store.Outcome;

import reactor.core.publisher.Mono;

/**
 * The slow path that is right on any James schema: each message is appended through James's {@link MailboxManager}
 * (James locks the folder, takes UID and modseq, updates quota, dispatches the {@code Added} event that IMAP
 * sessions and the search index listen to), then journaled. Used when {@link WriterSchema} finds James's tables
 * differ from what {@link MailboxBatchWriter} was written for. A batch tried again skips recipients already journaled.
 * One window is left: a crash between James's append and the journal row would give that recipient a second copy
 * when the broadcast resumes (at most one per broadcast lane).
 */
public final class MailboxManagerDelivery extends JournaledDelivery {
    private final MailboxManager mailboxes;
    private final SubscriptionManager subscriptions;

    MailboxManagerDelivery(MailboxManager mailboxes, SubscriptionManager subscriptions, DeliveryJournal journal) {
        super(journal);
        this.mailboxes = mailboxes;
        this.subscriptions = subscriptions;
    }

    @Override
    List<Outcome> store(String broadcastId, String folder, List<MailboxBatchWriter.Delivery> deliveries)
            throws SQLException, MailboxException {
        List<Outcome> outcomes = new ArrayList<>(deliveries.size());
        for (MailboxBatchWriter.Delivery d : deliveries) {
            MailboxSession session = mailboxes.createSystemSession(Username.of(d.address()));
            try {
                ComposedMessageId id = append(session, folder, d);
                Instant at = Instant.now();
                journal.add(broadcastId, d.seq(), ((JPAId) id.getMailboxId()).getRawId(), id.getUid().asLong(), at);
                outcomes.add(Outcome.delivered(d.seq(), at));
            } catch (OverQuotaException e) {
                outcomes.add(Outcome.failed(d.seq(), "mailbox over quota", Instant.now()));
            } finally {
                mailboxes.endProcessingRequest(session);
            }
        }
        return outcomes;
    }

    private ComposedMessageId append(MailboxSession session, String folder, MailboxBatchWriter.Delivery d) throws MailboxException {
        MailboxPath path = MailboxPath.forUser(session.getUser(), folder);
        if (!Boolean.TRUE.equals(Mono.from(mailboxes.mailboxExists(path, session)).block())) {
            try {
                mailboxes.createMailbox(path, session);
            } catch (MailboxExistsException e) {
                // created meanwhile by the citizen's own client: fine
            }
            subscriptions.subscribe(session, path);
        }
        StoredMessageLayout layout = d.layout();
        ByteArrayOutputStream message = new ByteArrayOutputStream(layout.size());
        message.writeBytes(layout.header());
        message.writeBytes(layout.body());
        return mailboxes.getMailbox(path, session).appendMessage(MessageManager.AppendCommand.builder()
            .withInternalDate(Date.from(d.internalDate()))
            .recent()
            .delivery()
            .build(message.toByteArray()), session).getId();
    }

    /** James indexed each message during its append (its listener is synchronous), so journaled means searchable. */
    @Override
    Map<Integer, Outcome> settled(String broadcastId, Map<Integer, DeliveryJournal.Entry> journaled) {
        Map<Integer, Outcome> outcomes = new HashMap<>();
        journaled.forEach((seq, e) -> outcomes.put(seq, Outcome.delivered(seq, e.deliveredAt())));
        return outcomes;
    }

    @Override
    public String describe() {
        return "James's MailboxManager API (one append at a time)";
    }
}

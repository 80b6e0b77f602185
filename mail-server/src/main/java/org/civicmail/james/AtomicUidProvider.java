package org.civicmail.james;

import javax.inject.Inject;
import javax.persistence.EntityManagerFactory;

import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.jpa.JPAId;
import org.apache.james.mailbox.jpa.mail.JPAUidProvider;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MailboxId;

/**
 * James's JPA UID provider with an atomic {@code nextUid} (see {@link MailboxCounters}); reading the last UID is
 * James's own. A subclass because James's JPA message mapper takes this concrete type.
 */
public class AtomicUidProvider extends JPAUidProvider {
    private final MailboxCounters counters;

    @Inject
    public AtomicUidProvider(EntityManagerFactory factory, JamesDatabase james) {
        super(factory);
        this.counters = new MailboxCounters(james);
    }

    @Override
    public MessageUid nextUid(Mailbox mailbox) throws MailboxException {
        return nextUid(mailbox.getMailboxId());
    }

    @Override
    public MessageUid nextUid(MailboxId mailboxId) throws MailboxException {
        return MessageUid.of(counters.advance(((JPAId) mailboxId).getRawId(), MailboxCounters.Counter.LAST_UID, 1));
    }
}

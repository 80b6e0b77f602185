package org.civicmail.james;

import java.util.Optional;

import javax.inject.Inject;
import javax.persistence.EntityManager;
import javax.persistence.EntityManagerFactory;

import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.jpa.mail.JPAUidProvider;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MailboxId;

/**
 * James's JPA UID provider on {@link MailboxCounters}: an atomic {@code nextUid}, and the last UID read from the same
 * counter row. A subclass because James's JPA message mapper takes this concrete type; every method is one call of
 * the counters (James's own methods call its private row update, so each entry point is overridden).
 */
public class AtomicUidProvider extends JPAUidProvider {
    private static final MailboxCounters.Counter UID = MailboxCounters.Counter.LAST_UID;
    private final MailboxCounters counters;

    @Inject
    AtomicUidProvider(EntityManagerFactory factory, MailboxCounters counters) {
        super(factory);
        this.counters = counters;
    }

    @Override
    public MessageUid nextUid(Mailbox mailbox) throws MailboxException {
        return MessageUid.of(counters.next(mailbox.getMailboxId(), UID));
    }

    @Override
    public MessageUid nextUid(MailboxId mailboxId) throws MailboxException {
        return MessageUid.of(counters.next(mailboxId, UID));
    }

    /** The counter row, not the caller's transaction: a read there never holds a lock the caller keeps. */
    @Override
    public Optional<MessageUid> lastUid(Mailbox mailbox, EntityManager ignored) throws MailboxException {
        return lastUid(mailbox);
    }

    @Override
    public Optional<MessageUid> lastUid(Mailbox mailbox) throws MailboxException {
        long last = counters.current(mailbox.getMailboxId(), UID);
        return last == 0 ? Optional.empty() : Optional.of(MessageUid.of(last));
    }
}

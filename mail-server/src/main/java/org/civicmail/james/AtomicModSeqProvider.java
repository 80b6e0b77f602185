package org.civicmail.james;

import javax.inject.Inject;
import javax.persistence.EntityManager;
import javax.persistence.EntityManagerFactory;

import org.apache.james.mailbox.ModSeq;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.jpa.mail.JPAModSeqProvider;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MailboxId;

/**
 * James's JPA modseq provider on {@link MailboxCounters}: an atomic {@code nextModSeq}, and the highest modseq read
 * from the same counter row. A subclass because James's JPA message mapper takes this concrete type; every method is
 * one call of the counters (James's own methods call its private row update, so each entry point is overridden).
 */
public class AtomicModSeqProvider extends JPAModSeqProvider {
    private static final MailboxCounters.Counter MODSEQ = MailboxCounters.Counter.HIGHEST_MODSEQ;
    private final MailboxCounters counters;

    @Inject
    AtomicModSeqProvider(EntityManagerFactory factory, MailboxCounters counters) {
        super(factory);
        this.counters = counters;
    }

    @Override
    public ModSeq nextModSeq(Mailbox mailbox) throws MailboxException {
        return nextModSeq(mailbox.getMailboxId());
    }

    @Override
    public ModSeq nextModSeq(MailboxId mailboxId) throws MailboxException {
        return ModSeq.of(counters.next(mailboxId, MODSEQ));
    }

    @Override
    public ModSeq highestModSeq(Mailbox mailbox) throws MailboxException {
        return highestModSeq(mailbox.getMailboxId());
    }

    /** The counter row, not the caller's transaction: a read there never holds a lock the caller keeps. */
    @Override
    public ModSeq highestModSeq(MailboxId mailboxId, EntityManager ignored) throws MailboxException {
        return highestModSeq(mailboxId);
    }

    @Override
    public ModSeq highestModSeq(MailboxId mailboxId) throws MailboxException {
        return ModSeq.of(counters.current(mailboxId, MODSEQ));
    }
}

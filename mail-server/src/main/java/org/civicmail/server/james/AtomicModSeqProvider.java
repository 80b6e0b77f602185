package org.civicmail.server.james;

import javax.inject.Inject;
import javax.persistence.EntityManagerFactory;

import org.apache.james.mailbox.ModSeq;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.jpa.JPAId;
import org.apache.james.mailbox.jpa.mail.JPAModSeqProvider;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MailboxId;

/**
 * James's JPA modseq provider with an atomic {@code nextModSeq} (see {@link MailboxCounters}); reading the highest
 * modseq is James's own. A subclass because James's JPA message mapper takes this concrete type.
 */
public class AtomicModSeqProvider extends JPAModSeqProvider {
    /** A modseq taken ahead for the next {@code nextModSeq} of this thread on that folder (see {@link #reserve}). */
    private static final ThreadLocal<long[]> RESERVED = new ThreadLocal<>();
    private final MailboxCounters counters;

    @Inject
    public AtomicModSeqProvider(EntityManagerFactory factory, JamesDatabase james) {
        super(factory);
        this.counters = new MailboxCounters(james);
    }

    @Override
    public ModSeq nextModSeq(Mailbox mailbox) throws MailboxException {
        return nextModSeq(mailbox.getMailboxId());
    }

    @Override
    public ModSeq nextModSeq(MailboxId mailboxId) throws MailboxException {
        long id = ((JPAId) mailboxId).getRawId();
        long[] reserved = RESERVED.get();
        if (reserved != null && reserved[0] == id) {
            RESERVED.remove();
            return ModSeq.of(reserved[1]);
        }
        return ModSeq.of(counters.advance(id, MailboxCounters.Counter.HIGHEST_MODSEQ, 1));
    }

    /**
     * Takes the folder's next modseq now, for this thread's next {@code nextModSeq} on it. The counter commits on its
     * own connection; a caller about to hold message-row locks takes it first, so it never waits for the folder row
     * while holding them (a reader joining folder and messages holds the folder row while it waits for those: a
     * cycle through Java that Derby cannot see, broken only by its 60 s lock timeout).
     */
    void reserve(MailboxId mailboxId) throws MailboxException {
        long id = ((JPAId) mailboxId).getRawId();
        RESERVED.set(new long[] {id, counters.advance(id, MailboxCounters.Counter.HIGHEST_MODSEQ, 1)});
    }

    /** Drops a reservation the caller did not use (nothing changed); its modseq is simply skipped, as after a rollback. */
    void release() {
        RESERVED.remove();
    }
}

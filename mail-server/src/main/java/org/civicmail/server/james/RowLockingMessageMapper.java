package org.civicmail.server.james;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import javax.persistence.EntityManager;
import javax.persistence.EntityManagerFactory;
import javax.persistence.PersistenceException;

import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.jpa.JPAId;
import org.apache.james.mailbox.jpa.mail.JPAMessageMapper;
import org.apache.james.mailbox.jpa.mail.JPAModSeqProvider;
import org.apache.james.mailbox.jpa.mail.JPAUidProvider;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MessageMetaData;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.mailbox.model.UpdatedFlags;
import org.apache.james.mailbox.store.FlagsUpdateCalculator;
import org.apache.james.mailbox.store.mail.MessageMapper.FetchType;
import org.apache.james.mailbox.store.mail.model.MailboxMessage;

/**
 * James's JPA message mapper with one lock order for every writer of a stored message: the message row first,
 * then its MIME properties and user flags (issue 18).
 * <p>
 * James 3.8.1 had three orders. APPEND inserts the message, then its dependent rows. STORE (and the \Recent reset
 * of every SELECT) rewrites the user flags first and the message row last, MOVE deletes the dependent rows first
 * (both as OpenJPA orders its flush), and EXPUNGE deleted the message first and its dependent rows by the database
 * cascade. STORE or MOVE against EXPUNGE on the same message was a lock cycle; Derby broke it after its 20 s
 * deadlock timeout with a NO to one of them. Here STORE and MOVE first take the message rows' exclusive locks
 * (an update of the row onto itself), so whoever holds a message row is the only one touching its dependents. A
 * STORE that had to wait for an EXPUNGE then finds the message gone and leaves it out, as RFC 3501 asks for an
 * expunged UID, instead of failing the whole command on OpenJPA's optimistic check.
 * <p>
 * EXPUNGE also no longer goes through James's JPQL bulk delete, which OpenJPA turns into {@code DELETE FROM
 * JAMES_MAIL WHERE EXISTS (SELECT 1 FROM JAMES_MAIL t0 WHERE ... = JAMES_MAIL.MAILBOX_ID ...)}: Derby runs that as
 * a heap scan of every message of every folder with exclusive row locking (runtime statistics: 600 rows visited to
 * delete 1), so each EXPUNGE waited for every message any session anywhere was writing. The same rows now go by
 * primary-key range; the dependent rows follow through {@link RowLockingCascades}' trigger.
 */
public class RowLockingMessageMapper extends JPAMessageMapper {
    private static final String LOCK_RANGE =
        "UPDATE JAMES_MAIL SET MAIL_MODSEQ = MAIL_MODSEQ WHERE MAILBOX_ID = ? AND MAIL_UID BETWEEN ? AND ?";
    private static final String DELETE_RANGE = "DELETE FROM JAMES_MAIL WHERE MAILBOX_ID = ? AND MAIL_UID BETWEEN ? AND ?";

    /** Ours when bound (JpaMailboxModule): lets a STORE take its modseq before it locks message rows. */
    private final AtomicModSeqProvider modSeqs;

    public RowLockingMessageMapper(JPAUidProvider uidProvider, JPAModSeqProvider modSeqProvider, EntityManagerFactory factory) {
        super(uidProvider, modSeqProvider, factory);
        this.modSeqs = modSeqProvider instanceof AtomicModSeqProvider atomic ? atomic : null;
    }

    @Override
    public Iterator<UpdatedFlags> updateFlags(Mailbox mailbox, FlagsUpdateCalculator calculator, MessageRange set) throws MailboxException {
        // James resets \Recent on SELECT outside any transaction; a lock taken there would be held by no one's commit.
        if (!getEntityManager().getTransaction().isActive() || modSeqs == null) {
            return super.updateFlags(mailbox, calculator, set);
        }
        modSeqs.reserve(mailbox.getMailboxId());
        try {
            onRange(LOCK_RANGE, mailbox, set);
            return super.updateFlags(mailbox, calculator, set);
        } finally {
            modSeqs.release();
        }
    }

    @Override
    public void delete(Mailbox mailbox, MailboxMessage message) throws MailboxException {
        if (onRange(LOCK_RANGE, mailbox, MessageRange.one(message.getUid())) > 0) {
            super.delete(mailbox, message);
        }
    }

    @Override
    public Map<MessageUid, MessageMetaData> deleteMessages(Mailbox mailbox, List<MessageUid> uids) throws MailboxException {
        Map<MessageUid, MessageMetaData> deleted = new HashMap<>();
        EntityManager em = getEntityManager();
        for (MessageRange range : MessageRange.toRanges(uids)) {
            List<MailboxMessage> messages = new ArrayList<>();
            findInMailbox(mailbox, range, FetchType.METADATA, -1).forEachRemaining(messages::add);
            messages.forEach(m -> deleted.put(m.getUid(), m.metaData()));
            onRange(DELETE_RANGE, mailbox, range);
            // Gone from the database: the persistence context must not keep (or later write back) them.
            messages.forEach(em::detach);
        }
        return deleted;
    }

    /** Runs {@code sql} (mailbox, first UID, last UID) in this mapper's transaction; returns the rows it changed. */
    private int onRange(String sql, Mailbox mailbox, MessageRange range) throws MailboxException {
        try {
            return getEntityManager().createNativeQuery(sql).setParameter(1, ((JPAId) mailbox.getMailboxId()).getRawId())
                .setParameter(2, range.getUidFrom().asLong()).setParameter(3, range.getUidTo().asLong()).executeUpdate();
        } catch (PersistenceException e) {
            throw new MailboxException(sql.substring(0, sql.indexOf(' ')) + " of messages " + range + " failed in mailbox "
                + mailbox.generateAssociatedPath(), e);
        }
    }
}

package org.civicmail.james;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import javax.mail.Flags;
import javax.persistence.EntityManager;
import javax.persistence.EntityManagerFactory;
import javax.persistence.EntityNotFoundException;
import javax.persistence.EntityTransaction;
import javax.persistence.PersistenceException;

import org.apache.james.mailbox.MessageManager.FlagsUpdateMode;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.ModSeq;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * James's JPA message mapper with one lock order per message (its row first, then its dependent rows), writers that
 * take the folder's counters before they hold any row, and reads that take a message's content when they read the
 * message (issue 18).
 * <ul>
 * <li>EXPUNGE no longer goes through James's JPQL bulk delete, which OpenJPA turns into {@code DELETE FROM JAMES_MAIL
 * WHERE EXISTS (SELECT 1 FROM JAMES_MAIL t0 WHERE ... = JAMES_MAIL.MAILBOX_ID ...)}: Derby runs that as a heap scan
 * of every message of every folder with exclusive row locking (600 rows visited to delete 1). The same rows now go by
 * primary-key range; the dependent rows follow through {@link RowLockingCascades}' trigger.</li>
 * <li>STORE takes its modseq first, then locks the message rows, then
 * reads and changes them. James read the rows unlocked and wrote them at commit: a message another session expunged
 * in between made the commit fail ({@code NO STORE failed. Save failed.}, {@code NO SELECT}), and its dependent rows
 * were written before the message row, a cycle with EXPUNGE. The modseq counter commits on a connection of its own
 * ({@link MailboxCounters}): Derby cannot see that this transaction waits for it, so it is taken while this one holds
 * nothing.</li>
 * <li>SELECT's reset of \Recent writes nothing: it reads the recent messages and leaves the stored flag to
 * {@link RecentFlagResets}, after the SELECT has answered.</li>
 * <li>COPY and MOVE lock each source message row before they read its content, copy it (and remove it). A source
 * another session expunged meanwhile is left out of the result (RFC 3501: a UID that no longer exists is ignored),
 * where James failed the whole command on it.</li>
 * <li>A read for headers or content loads them with the message. OpenJPA loads them lazily, and James reads them
 * while it writes the FETCH response: a message expunged by another session in between threw in the middle of a
 * literal, which left the client waiting for bytes that never came (a hung connection) or answered NO. A message
 * that vanished before its content was read is left out, as a message expunged before the read would have been
 * (these reads run outside a transaction, so the failed load spoils nothing else).</li>
 * <li>No transaction outlives the command that began it. James keeps one entity manager per IMAP session (3.8.1 ends
 * it only at logout) and its reactive transactions roll back only on a {@code MailboxException}: a command cancelled
 * midway (a client gone, IDLE ended while it read) or failing with another exception left its transaction open, with
 * its row locks, until the session ended; every writer of those messages then waited 60 s for Derby's lock timeout
 * (the hung clients of the concurrency test). The writes here fail as {@code MailboxException}s, a cancelled write
 * rolls back, and a transaction still open when the session begins the next one is rolled back first.</li>
 * </ul>
 */
public class RowLockingMessageMapper extends JPAMessageMapper {
    private static final Logger LOG = LoggerFactory.getLogger(RowLockingMessageMapper.class);
    private static final String LOCK_RANGE =
        "UPDATE JAMES_MAIL SET MAIL_MODSEQ = MAIL_MODSEQ WHERE MAILBOX_ID = ? AND MAIL_UID BETWEEN ? AND ?";
    private static final String DELETE_RANGE = "DELETE FROM JAMES_MAIL WHERE MAILBOX_ID = ? AND MAIL_UID BETWEEN ? AND ?";

    private final JPAModSeqProvider modSeqProvider;
    private final RecentFlagResets recentResets;

    public RowLockingMessageMapper(JPAUidProvider uidProvider, JPAModSeqProvider modSeqProvider, EntityManagerFactory factory,
                                   RecentFlagResets recentResets) {
        super(uidProvider, modSeqProvider, factory);
        this.modSeqProvider = modSeqProvider;
        this.recentResets = recentResets;
    }

    @Override
    protected void begin() throws MailboxException {
        if (abandon()) {
            LOG.warn("Rolled back a transaction an earlier command of this IMAP session left open");
        }
        super.begin();
    }

    /** Rolls back this session's open transaction, if any (its locks go with it); true when there was one. */
    private boolean abandon() {
        EntityManager em = entityManager;
        if (em == null || !em.isOpen()) {
            return false;
        }
        try {
            EntityTransaction transaction = em.getTransaction();
            if (transaction.isActive()) {
                transaction.rollback();
                return true;
            }
        } catch (RuntimeException e) {
            LOG.warn("Could not roll back an abandoned transaction: {}", e.toString());
        }
        return false;
    }

    /** A write cancelled before it finished (its command was) rolls back instead of keeping its locks. */
    private <T> Mono<T> rolledBackIfCancelled(Mono<T> write) {
        return write.doOnCancel(this::abandon);
    }

    @Override
    public Mono<List<UpdatedFlags>> updateFlagsReactive(Mailbox mailbox, FlagsUpdateCalculator calculator, MessageRange set) {
        return rolledBackIfCancelled(Mono.fromCallable(() -> updateFlags(mailbox, calculator, List.of(set)))
            .subscribeOn(Schedulers.boundedElastic()));
    }

    @Override
    public Mono<List<UpdatedFlags>> resetRecentReactive(Mailbox mailbox) {
        return rolledBackIfCancelled(Mono.fromCallable(() -> resetRecent(mailbox)).subscribeOn(Schedulers.boundedElastic()));
    }

    @Override
    public Mono<Map<MessageUid, MessageMetaData>> deleteMessagesReactive(Mailbox mailbox, List<MessageUid> uids) {
        return rolledBackIfCancelled(Mono.fromCallable(() -> deleteMessages(mailbox, uids)).subscribeOn(Schedulers.boundedElastic()));
    }

    @Override
    public Mono<List<MessageMetaData>> copyReactive(Mailbox mailbox, List<MailboxMessage> originals) {
        return rolledBackIfCancelled(Mono.fromCallable(() -> copy(mailbox, originals)).subscribeOn(Schedulers.boundedElastic()));
    }

    @Override
    public Iterator<MailboxMessage> findInMailbox(Mailbox mailbox, MessageRange set, FetchType type, int max) throws MailboxException {
        List<MailboxMessage> present = new ArrayList<>();
        super.findInMailbox(mailbox, set, type, max).forEachRemaining(m -> {
            if (withContent(m, type)) {
                present.add(m);
            }
        });
        return present.iterator();
    }

    @Override
    public Flux<MailboxMessage> findInMailboxReactive(Mailbox mailbox, MessageRange set, FetchType type, int max) {
        return super.findInMailboxReactive(mailbox, set, type, max).filter(m -> withContent(m, type));
    }

    @Override
    public void delete(Mailbox mailbox, MailboxMessage message) throws MailboxException {
        if (onRange(LOCK_RANGE, rawId(mailbox), MessageRange.one(message.getUid())) > 0) {
            super.delete(mailbox, message);
        }
    }

    @Override
    public Map<MessageUid, MessageMetaData> deleteMessages(Mailbox mailbox, List<MessageUid> uids) throws MailboxException {
        return asMailboxFailure("EXPUNGE in " + mailbox.generateAssociatedPath(), () -> {
            Map<MessageUid, MessageMetaData> deleted = new HashMap<>();
            EntityManager em = getEntityManager();
            for (MessageRange range : MessageRange.toRanges(uids)) {
                List<MailboxMessage> messages = new ArrayList<>();
                super.findInMailbox(mailbox, range, FetchType.METADATA, -1).forEachRemaining(messages::add);
                messages.forEach(m -> deleted.put(m.getUid(), m.metaData()));
                onRange(DELETE_RANGE, rawId(mailbox), range);
                // Gone from the database: the persistence context must not keep (or later write back) them.
                messages.forEach(em::detach);
            }
            return deleted;
        });
    }

    @Override
    public Iterator<UpdatedFlags> updateFlags(Mailbox mailbox, FlagsUpdateCalculator calculator, MessageRange set) throws MailboxException {
        return updateFlags(mailbox, calculator, List.of(set)).iterator();
    }

    /**
     * SELECT's reset of \Recent: reports the recent messages as no longer recent, with their flags and mod-sequence
     * as stored, and leaves the stored flag to {@link RecentFlagResets}, after the SELECT (a read, no write
     * transaction, no lock waits behind the folder's writers).
     */
    @Override
    public List<UpdatedFlags> resetRecent(Mailbox mailbox) throws MailboxException {
        List<MessageRange> recent = MessageRange.toRanges(findRecentMessageUidsInMailbox(mailbox));
        List<UpdatedFlags> reset = new ArrayList<>();
        for (MessageRange range : recent) {
            Iterator<MailboxMessage> messages = super.findInMailbox(mailbox, range, FetchType.METADATA, -1);
            while (messages.hasNext()) {
                MailboxMessage message = messages.next();
                Flags before = message.createFlags();
                Flags after = new Flags(before);
                after.remove(Flags.Flag.RECENT);
                reset.add(UpdatedFlags.builder().uid(message.getUid()).modSeq(message.getModSeq()).oldFlags(before)
                    .newFlags(after).build());
            }
        }
        recentResets.schedule(rawId(mailbox), recent);
        return reset;
    }

    /** Modseq first (no row held yet), then each range's rows locked, read and changed; vanished messages are absent. */
    private List<UpdatedFlags> updateFlags(Mailbox mailbox, FlagsUpdateCalculator calculator, List<MessageRange> ranges)
            throws MailboxException {
        return asMailboxFailure("flag update in " + mailbox.generateAssociatedPath(), () -> {
            ModSeq modSeq = modSeqProvider.nextModSeq(mailbox);
            List<UpdatedFlags> updated = new ArrayList<>();
            for (MessageRange range : ranges) {
                if (onRange(LOCK_RANGE, rawId(mailbox), range) == 0) {
                    continue;
                }
                Iterator<MailboxMessage> messages = super.findInMailbox(mailbox, range, FetchType.METADATA, -1);
                while (messages.hasNext()) {
                    MailboxMessage message = messages.next();
                    Flags before = message.createFlags();
                    message.setFlags(calculator.buildNewFlags(before));
                    Flags after = message.createFlags();
                    if (UpdatedFlags.flagsChanged(before, after)) {
                        message.setModSeq(modSeq);
                        save(mailbox, message);
                    }
                    updated.add(UpdatedFlags.builder().uid(message.getUid()).modSeq(message.getModSeq()).oldFlags(before)
                        .newFlags(after).build());
                }
            }
            return updated;
        });
    }

    @Override
    public List<MessageMetaData> copy(Mailbox mailbox, List<MailboxMessage> originals) throws MailboxException {
        return asMailboxFailure("COPY to " + mailbox.generateAssociatedPath(), () -> {
            List<MessageMetaData> copied = new ArrayList<>();
            for (MailboxMessage original : originals) {
                // Held until the copy commits, so its content can be read; a source expunged meanwhile is not copied. (Its
                // content read without the lock, a vanished source failed inside the transaction, which OpenJPA then
                // rolled back whole.)
                if (lockOne(original)) {
                    withContent(original, FetchType.FULL);
                    copied.add(copy(mailbox, original));
                }
            }
            return copied;
        });
    }

    @Override
    public List<MessageMetaData> move(Mailbox mailbox, List<MailboxMessage> originals) throws MailboxException {
        return asMailboxFailure("MOVE to " + mailbox.generateAssociatedPath(), () -> {
            List<MessageMetaData> moved = new ArrayList<>();
            for (MailboxMessage original : originals) {
                // The source row first (as EXPUNGE takes it), and only a source that is still there moves.
                if (lockOne(original)) {
                    withContent(original, FetchType.FULL);
                    moved.add(move(mailbox, original));
                }
            }
            return moved;
        });
    }

    @Override
    public Mono<List<MessageMetaData>> moveReactive(Mailbox mailbox, List<MailboxMessage> originals) {
        return rolledBackIfCancelled(Mono.fromCallable(() -> move(mailbox, originals)).subscribeOn(Schedulers.boundedElastic()));
    }

    /**
     * Loads what {@code type} promises (header; header and body) now, while the message is known to exist; false when
     * another session expunged it since it was listed.
     */
    private static boolean withContent(MailboxMessage message, FetchType type) {
        if (type == FetchType.METADATA) {
            return true;
        }
        try (InputStream header = message.getHeaderContent();
             InputStream body = type == FetchType.HEADERS ? InputStream.nullInputStream() : message.getBodyContent()) {
            return true;
        } catch (EntityNotFoundException gone) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read message UID " + message.getUid().asLong(), e);
        }
    }

    /** A write of this mapper, failing only as a {@code MailboxException} (the one failure James rolls back on). */
    @FunctionalInterface
    private interface Write<T> {
        T run() throws MailboxException;
    }

    private static <T> T asMailboxFailure(String what, Write<T> write) throws MailboxException {
        try {
            return write.run();
        } catch (PersistenceException | UncheckedIOException | IllegalStateException e) {
            throw new MailboxException(what + " failed: " + e.getMessage(), e);
        }
    }

    /** Locks a message's row in this transaction (as EXPUNGE and STORE take it first); false when it is gone. */
    private boolean lockOne(MailboxMessage message) throws MailboxException {
        return onRange(LOCK_RANGE, ((JPAId) message.getMailboxId()).getRawId(), MessageRange.one(message.getUid())) > 0;
    }

    private static long rawId(Mailbox mailbox) {
        return ((JPAId) mailbox.getMailboxId()).getRawId();
    }

    /** Runs {@code sql} (mailbox, first UID, last UID) in this mapper's transaction; returns the rows it changed. */
    private int onRange(String sql, long mailboxId, MessageRange range) throws MailboxException {
        try {
            return getEntityManager().createNativeQuery(sql).setParameter(1, mailboxId)
                .setParameter(2, range.getUidFrom().asLong()).setParameter(3, range.getUidTo().asLong()).executeUpdate();
        } catch (PersistenceException e) {
            throw new MailboxException(sql.substring(0, sql.indexOf(' ')) + " of messages " + range + " failed in mailbox " + mailboxId, e);
        }
    }
}

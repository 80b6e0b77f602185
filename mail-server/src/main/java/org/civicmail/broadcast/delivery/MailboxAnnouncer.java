package org.civicmail.broadcast.delivery;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import javax.mail.Flags;

import org.apache.james.core.Username;
import org.apache.james.events.EventBus;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.ModSeq;
import org.apache.james.mailbox.events.MailboxEvents.Added;
import org.apache.james.mailbox.events.MailboxIdRegistrationKey;
import org.apache.james.mailbox.jpa.JPAId;
import org.apache.james.mailbox.lucene.search.LuceneMessageSearchIndex;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.model.MessageId;
import org.apache.james.mailbox.model.MessageMetaData;
import org.apache.james.mailbox.model.ThreadId;
import org.apache.james.mailbox.store.event.EventFactory;
import org.civicmail.server.james.BroadcastAdditions;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Tells James of messages {@link MailboxBatchWriter} stored, the way James's {@code StoreMessageManager} does after
 * an append: one {@code Added} event per message (UID, modseq, size, internal date, \Recent) dispatched on James's
 * event bus to the folder's {@link MailboxIdRegistrationKey}, where IMAP sessions with the folder selected, and IDLE,
 * listen. Then it indexes them through the search index's own listener and commits the index. The events carry
 * {@link BroadcastAdditions#SESSION}, so James's quota and index group listeners leave them alone (the batch
 * transaction counted the quota; indexing is done here so that a failure is known per message).
 */
final class MailboxAnnouncer {
    private static final int INDEXING_THREADS = Math.max(2, Runtime.getRuntime().availableProcessors());

    private final EventBus events;
    private final MessageId.Factory messageIds;
    private final LuceneMessageSearchIndex index;

    MailboxAnnouncer(EventBus events, MessageId.Factory messageIds, LuceneMessageSearchIndex index) {
        this.events = events;
        this.messageIds = messageIds;
        this.index = index;
    }

    /** An event dispatched for the message of broadcast recipient {@code seq}. */
    record Announced(int seq, Added event) {
    }

    /** Dispatches the {@code Added} events; returns when every IMAP session listening has been told. */
    List<Announced> announce(String folder, List<MailboxBatchWriter.StoredMessage> stored) {
        List<Announced> announced = new ArrayList<>(stored.size());
        for (MailboxBatchWriter.StoredMessage m : stored) {
            Username owner = Username.of(m.owner());
            MessageId messageId = messageIds.generate();
            MessageMetaData meta = new MessageMetaData(MessageUid.of(m.uid()), ModSeq.of(m.modSeq()), new Flags(Flags.Flag.RECENT),
                m.size(), java.util.Date.from(m.internalDate()), java.util.Optional.empty(), messageId, ThreadId.fromBaseMessageId(messageId));
            Added added = EventFactory.added()
                .randomEventId()
                .user(owner)
                .sessionId(BroadcastAdditions.SESSION)
                .mailboxId(JPAId.of(m.mailboxId()))
                .mailboxPath(MailboxPath.forUser(owner, folder))
                .addMetaData(meta)
                .isDelivery(true)
                .build();
            announced.add(new Announced(m.seq(), added));
        }
        Flux.fromIterable(announced)
            .concatMap(a -> events.dispatch(a.event(), new MailboxIdRegistrationKey(a.event().getMailboxId())))
            .then()
            .block();
        return announced;
    }

    /**
     * Indexes the announced messages through James's search index listener, then commits the index. Returns the
     * recipients whose message could not be indexed, with the reason; the others are searchable.
     */
    Map<Integer, String> index(List<Announced> announced) {
        Map<Integer, String> failed = new ConcurrentHashMap<>();
        Flux.fromIterable(announced)
            .flatMap(a -> Mono.defer(() -> Mono.from(index.reactiveEvent(a.event())))
                .subscribeOn(Schedulers.boundedElastic())
                .onErrorResume(e -> {
                    failed.put(a.seq(), "stored, but not searchable (the search index refused it: " + e + ")");
                    return Mono.empty();
                }), INDEXING_THREADS)
            .then()
            .block();
        commit(announced, failed);
        return failed;
    }

    private void commit(List<Announced> announced, Map<Integer, String> failed) {
        try {
            index.commit();
        } catch (IOException e) {
            // The index holds them until the next successful commit, but a crash before it would lose them.
            for (Announced a : announced) {
                failed.putIfAbsent(a.seq(), "stored and searchable, but the search index could not be saved: " + e.getMessage());
            }
        }
    }
}

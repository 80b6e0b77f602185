package org.civicmail.broadcast.delivery;

import java.io.IOException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import javax.mail.Flags;

import org.apache.james.core.Username;
import org.apache.james.events.EventBus;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.SessionProvider;
import org.apache.james.mailbox.model.ByteContent;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.UidValidity;
import org.apache.james.mailbox.store.mail.model.MailboxMessage;
import org.apache.james.mailbox.store.mail.model.impl.PropertyBuilder;
import org.apache.james.mailbox.store.mail.model.impl.SimpleMailboxMessage;
import org.apache.james.mailbox.ModSeq;
import org.apache.james.mailbox.events.MailboxEvents.Added;
import org.apache.james.mailbox.events.MailboxIdRegistrationKey;
import org.apache.james.mailbox.jpa.JPAId;
import org.civicmail.search.SubstringSearchIndex;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.model.MessageId;
import org.apache.james.mailbox.model.MessageMetaData;
import org.apache.james.mailbox.model.ThreadId;
import org.apache.james.mailbox.store.event.EventFactory;
import org.civicmail.james.BroadcastAdditions;
import org.civicmail.search.SharedContentIndexing;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Tells James of messages {@link MailboxBatchWriter} stored, the way James's {@code StoreMessageManager} does after
 * an append: one {@code Added} event per message (UID, modseq, size, internal date, \Recent) dispatched on James's
 * event bus to the folder's {@link MailboxIdRegistrationKey}, where IMAP sessions with the folder selected, and IDLE,
 * listen. Then it indexes them (what the search index's listener does with such an event). The events carry
 * {@link BroadcastAdditions#SESSION}, so James's quota and index group listeners leave them alone (the batch
 * transaction counted the quota; indexing is done here so that a failure is known per message).
 */
final class MailboxAnnouncer {
    private static final Logger LOG = LoggerFactory.getLogger(MailboxAnnouncer.class);
    private static final int INDEXING_THREADS = Math.max(2, Runtime.getRuntime().availableProcessors());

    private final EventBus events;
    private final MessageId.Factory messageIds;
    private final SubstringSearchIndex index;
    private final SharedContentIndexing shared;
    private final SessionProvider sessions;

    MailboxAnnouncer(EventBus events, MessageId.Factory messageIds, SubstringSearchIndex index, SharedContentIndexing shared,
                     SessionProvider sessions) {
        this.events = events;
        this.messageIds = messageIds;
        this.index = index;
        this.shared = shared;
        this.sessions = sessions;
    }

    /** An event dispatched for the message of broadcast recipient {@code seq}, and that message. */
    record Announced(int seq, Added event, MailboxBatchWriter.StoredMessage message) {
    }

    /** Dispatches the {@code Added} events; returns when every IMAP session listening has been told. */
    List<Announced> announce(String folder, List<MailboxBatchWriter.StoredMessage> stored) {
        List<Announced> announced = new ArrayList<>(stored.size());
        for (MailboxBatchWriter.StoredMessage m : stored) {
            Username owner = Username.of(m.owner());
            MessageId messageId = messageIds.generate();
            MessageMetaData meta = new MessageMetaData(MessageUid.of(m.uid()), ModSeq.of(m.modSeq()), new Flags(Flags.Flag.RECENT),
                m.layout().size(), java.util.Date.from(m.internalDate()), java.util.Optional.empty(), messageId, ThreadId.fromBaseMessageId(messageId));
            Added added = EventFactory.added()
                .randomEventId()
                .user(owner)
                .sessionId(BroadcastAdditions.SESSION)
                .mailboxId(JPAId.of(m.mailboxId()))
                .mailboxPath(MailboxPath.forUser(owner, folder))
                .addMetaData(meta)
                .isDelivery(true)
                .build();
            announced.add(new Announced(m.seq(), added, m));
        }
        Flux.fromIterable(announced)
            .concatMap(a -> events.dispatch(a.event(), new MailboxIdRegistrationKey(a.event().getMailboxId())))
            .then()
            .block();
        return announced;
    }

    /**
     * Indexes the announced messages: searches see them at once (the index's near-real-time reader). The index is not
     * committed per batch: {@code IndexCommitter} commits every few seconds, and a crash before that commit is repaired
     * at the next start ({@code TextIndexRebuild}: the index was left open, every folder is compared with the
     * mailboxes, and a search in a folder not compared yet compares it first), so a delivered copy stays findable.
     * A commit per batch cost a flushed segment per batch and the merges of those small segments (about 12 % of a
     * notice's CPU at 100,000, JFR). Returns the recipients whose message could not be
     * indexed, with the reason; the others are searchable. Each message goes through the index's {@code add}, what
     * its listener calls for an {@code Added} event, with the message as the batch has it in memory: the listener
     * would first read each one back from the database (two JPA queries a message), which cost more than storing it.
     */
    Map<Integer, String> index(List<Announced> announced) {
        Map<Integer, String> failed = new ConcurrentHashMap<>();
        Map<StoredMessageLayout, Optional<SharedContentIndexing.Prepared>> prepared = new IdentityHashMap<>();
        for (Announced a : announced) {
            StoredMessageLayout base = a.message().layout().sharedWith();
            if (base != null) {
                prepared.computeIfAbsent(base, this::prepare);
            }
        }
        Flux.fromIterable(announced)
            .flatMap(a -> Mono.defer(() -> add(a, prepared))
                .subscribeOn(Schedulers.boundedElastic())
                .onErrorResume(e -> {
                    failed.put(a.seq(), "stored, but not searchable (the search index refused it: " + e + ")");
                    return Mono.empty();
                }), INDEXING_THREADS)
            .then()
            .block();
        return failed;
    }

    /**
     * A notice's shared message made ready for the index once per batch (its copies differ only in header fields put
     * in front); empty when it cannot be, and then each copy is indexed whole.
     */
    private Optional<SharedContentIndexing.Prepared> prepare(StoredMessageLayout base) {
        try {
            return Optional.of(shared.prepare(base.header(), base.body()));
        } catch (IOException | RuntimeException e) {
            LOG.warn("A broadcast notice cannot be prepared for the search index once for all copies; each is indexed whole: {}", e.toString());
            return Optional.empty();
        }
    }

    /**
     * What James's index listener does for one message of an {@code Added} event, with the message in hand: a
     * notice's copy from its prepared shared message and its own header fields, any other message whole.
     */
    private Mono<Void> add(Announced a, Map<StoredMessageLayout, Optional<SharedContentIndexing.Prepared>> prepared) {
        MailboxBatchWriter.StoredMessage m = a.message();
        StoredMessageLayout layout = m.layout();
        MessageMetaData meta = a.event().getMetaData(a.event().getUids().iterator().next());
        Mailbox mailbox = new Mailbox(a.event().getMailboxPath(), UidValidity.of(m.uidValidity()), a.event().getMailboxId());
        MailboxSession session = sessions.createSystemSession(a.event().getUsername());
        Optional<SharedContentIndexing.Prepared> base = layout.sharedWith() == null ? Optional.empty() : prepared.get(layout.sharedWith());
        // The whole message (a copy of its bytes) only when it is indexed whole: a notice's copy needs its own fields.
        Supplier<MailboxMessage> whole = () -> message(a, meta);
        return base.isPresent() ? shared.add(session, mailbox, meta.getUid(), whole, layout.ownHeader(), base.get())
            : index.add(session, mailbox, whole.get());
    }

    /** The stored message as James's index listener would read it back, from the batch in memory. */
    private static MailboxMessage message(Announced a, MessageMetaData meta) {
        StoredMessageLayout layout = a.message().layout();
        PropertyBuilder properties = new PropertyBuilder(layout.properties());
        properties.setMediaType(layout.mediaType());
        properties.setSubType(layout.subType());
        properties.setTextualLineCount(layout.textualLineCount());
        byte[] content = new byte[layout.size()];
        System.arraycopy(layout.header(), 0, content, 0, layout.header().length);
        System.arraycopy(layout.body(), 0, content, layout.header().length, layout.body().length);
        return SimpleMailboxMessage.builder()
            .messageId(meta.getMessageId())
            .threadId(meta.getThreadId())
            .uid(meta.getUid())
            .modseq(meta.getModSeq())
            .internalDate(meta.getInternalDate())
            .size(layout.size())
            .bodyStartOctet(layout.header().length)
            .content(new ByteContent(content))
            .flags(meta.getFlags())
            .properties(properties)
            .mailboxId(a.event().getMailboxId())
            .build();
    }

}

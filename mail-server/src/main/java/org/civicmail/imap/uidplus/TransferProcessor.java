package org.civicmail.imap.uidplus;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.message.IdRange;
import org.apache.james.imap.api.message.response.StatusResponse;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.api.process.SelectedMailbox;
import org.apache.james.imap.main.PathConverter;
import org.apache.james.imap.message.request.AbstractMessageRangeRequest;
import org.apache.james.imap.processor.AbstractMailboxProcessor;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageManager;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.exception.MessageRangeException;
import org.apache.james.mailbox.model.ComposedMessageIdWithMetaData;
import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.mailbox.model.UidValidity;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.util.MDCBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * COPY and MOVE with RFC 4315 COPYUID that always names the source messages by UID. The request's set (sequence
 * numbers or UIDs) is first resolved to the UIDs that exist in the selected mailbox; those, in ascending order, are
 * transferred and reported, so the n-th source UID pairs with the n-th new UID as RFC 4315 requires. James 3.8.1
 * instead echoes the client's set, so a sequence-number COPY reported sequence numbers as UIDs.
 */
abstract class TransferProcessor<R extends AbstractMessageRangeRequest> extends AbstractMailboxProcessor<R> {
    private static final Logger LOGGER = LoggerFactory.getLogger(TransferProcessor.class);

    /** Where the copy went and which UIDs it got; empty when nothing was transferred or the pairing is unknown. */
    record Transferred(Optional<StatusResponse.ResponseCode> copyUid) {
    }

    TransferProcessor(Class<R> request, MailboxManager mailboxManager, StatusResponseFactory factory, MetricFactory metrics) {
        super(request, mailboxManager, factory, metrics);
    }

    /** Transfers {@code uids} (ascending, existing) from the selected mailbox; emits the destination UID ranges. */
    abstract Flux<MessageRange> transfer(MessageRange uids, MailboxId from, MailboxId to, MailboxSession session);

    /** Sends the answer once the transfer is done. */
    abstract Mono<Void> answer(R request, ImapSession session, Responder responder, Transferred transferred);

    @Override
    protected Mono<Void> processRequestReactive(R request, ImapSession session, Responder responder) {
        SelectedMailbox selected = session.getSelected();
        if (selected == null) {
            no(request, responder, HumanReadableText.INVALID_COMMAND);
            return Mono.empty();
        }
        MailboxSession mailboxSession = session.getMailboxSession();
        MailboxPath target = PathConverter.forSession(session).buildFullPath(request.getMailboxName());
        return Mono.from(getMailboxManager().getMailboxReactive(target, mailboxSession))
            .map(Optional::of)
            .onErrorResume(org.apache.james.mailbox.exception.MailboxNotFoundException.class, e -> Mono.just(Optional.empty()))
            .flatMap(destination -> {
                if (destination.isEmpty()) {
                    no(request, responder, HumanReadableText.FAILURE_NO_SUCH_MAILBOX, StatusResponse.ResponseCode.tryCreate());
                    return Mono.empty();
                }
                return sourceUids(request, selected, mailboxSession)
                    .flatMap(uids -> transferAll(uids, selected, destination.get(), mailboxSession))
                    .flatMap(transferred -> answer(request, session, responder, transferred));
            })
            .onErrorResume(MessageRangeException.class, e -> {
                taggedBad(request, responder, HumanReadableText.INVALID_MESSAGESET);
                return Mono.empty();
            })
            .onErrorResume(MailboxException.class, e -> {
                no(request, responder, HumanReadableText.GENERIC_FAILURE_DURING_PROCESSING);
                LOGGER.error("{} from mailbox {} to {} failed", request.getCommand().getName(), selected.getMailboxId(), target, e);
                return Mono.empty();
            });
    }

    /** The UIDs of the messages the request names that exist now, ascending and without repeats. */
    private Mono<List<MessageUid>> sourceUids(R request, SelectedMailbox selected, MailboxSession session) {
        List<MessageRange> ranges = new ArrayList<>();
        for (IdRange range : request.getIdSet()) {
            try {
                ranges.add(messageRange(selected, range, request.isUseUids())
                    .orElseThrow(() -> new MessageRangeException(range.getFormattedString() + " is not a valid message set")));
            } catch (MessageRangeException e) {
                return Mono.error(e);
            }
        }
        MessageManager source = selected.getMessageManager();
        return Flux.fromIterable(ranges)
            .concatMap(range -> Flux.from(source.listMessagesMetadata(range, session)))
            .map(ComposedMessageIdWithMetaData::getComposedMessageId)
            .map(id -> id.getUid())
            .collect(TreeSet<MessageUid>::new, TreeSet::add)
            .map(List::copyOf);
    }

    private Mono<Transferred> transferAll(List<MessageUid> uids, SelectedMailbox selected, MessageManager destination,
                                          MailboxSession session) {
        if (uids.isEmpty()) {
            return Mono.just(new Transferred(Optional.empty()));
        }
        UidValidity validity;
        try {
            validity = destination.getMailboxEntity().getUidValidity();
        } catch (MailboxException e) {
            return Mono.error(e);
        }
        return Flux.fromIterable(MessageRange.toRanges(uids))
            .concatMap(range -> transfer(range, selected.getMailboxId(), destination.getId(), session))
            .collectList()
            .map(created -> {
                long count = created.stream().mapToLong(TransferProcessor::size).sum();
                if (count != uids.size()) {
                    // A message was expunged by another session between listing and transferring: which source UID
                    // went where is no longer known, and a wrong COPYUID is worse than none (RFC 4315 allows none).
                    LOGGER.warn("{} of {} messages transferred; answering without COPYUID", count, uids.size());
                    return new Transferred(Optional.empty());
                }
                IdRange[] from = IdRange.mergeRanges(MessageRange.toRanges(uids).stream().map(IdRange::from).toList())
                    .toArray(IdRange[]::new);
                IdRange[] to = IdRange.mergeRanges(created.stream().map(IdRange::from).toList()).toArray(IdRange[]::new);
                return new Transferred(Optional.of(StatusResponse.ResponseCode.copyUid(validity, from, to)));
            });
    }

    private static long size(MessageRange range) {
        return range.getUidTo().asLong() - range.getUidFrom().asLong() + 1;
    }

    @Override
    protected MDCBuilder mdc(R request) {
        return MDCBuilder.create()
            .addToContext(MDCBuilder.ACTION, request.getCommand().getName())
            .addToContext("targetMailbox", request.getMailboxName())
            .addToContext("uidEnabled", Boolean.toString(request.isUseUids()))
            .addToContext("idSet", IdRange.toString(request.getIdSet()));
    }
}

package org.civicmail.imap.search;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import javax.inject.Inject;

import org.apache.james.imap.api.message.response.ImapResponseMessage;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.api.message.request.SearchResultOption;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.api.process.SelectedMailbox;
import org.apache.james.imap.message.request.SearchRequest;
import org.apache.james.imap.message.response.ESearchResponse;
import org.apache.james.imap.processor.SearchProcessor;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.ModSeq;
import org.apache.james.mailbox.model.ComposedMessageIdWithMetaData;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.metrics.api.MetricFactory;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * SEARCH whose ESEARCH answer to {@code RETURN (MIN)}, {@code (MAX)} or {@code (MIN MAX)} with a MODSEQ key carries the
 * mod-sequence of the messages it returns. RFC 4731 section 3.2 / RFC 7162 section 3.1.5: without ALL or COUNT, the
 * MODSEQ result is the highest mod-sequence of the messages MIN and MAX name, not of every message found. James 3.8.1
 * sends the highest of all found (imaptest's esearch-condstore: {@code MIN 1 MODSEQ 7} where message 1 has 5), so a
 * client that keeps the value as its sync point for message 1 would skip changes. Any other search is James's own.
 */
public class MinMaxModSeqSearchProcessor extends SearchProcessor {
    @Inject
    public MinMaxModSeqSearchProcessor(MailboxManager mailboxManager, StatusResponseFactory factory, MetricFactory metricFactory) {
        super(mailboxManager, factory, metricFactory);
    }

    @Override
    protected Mono<Void> processRequestReactive(SearchRequest request, ImapSession session, Responder responder) {
        List<SearchResultOption> options = request.getSearchOperation().getResultOptions();
        boolean minOrMaxOnly = (options.contains(SearchResultOption.MIN) || options.contains(SearchResultOption.MAX))
            && !options.contains(SearchResultOption.ALL) && !options.contains(SearchResultOption.COUNT);
        if (!minOrMaxOnly) {
            return super.processRequestReactive(request, session, responder);
        }
        Holding holding = new Holding(responder);
        return super.processRequestReactive(request, session, holding)
            .then(Mono.defer(() -> holding.release(session)));
    }

    /** Passes answers on until an ESEARCH with a MODSEQ; keeps it and what follows until its MODSEQ is put right. */
    private static final class Holding implements Responder {
        private final Responder next;
        private final List<ImapResponseMessage> held = new ArrayList<>();
        private ESearchResponse search;

        Holding(Responder next) {
            this.next = next;
        }

        @Override
        public void respond(ImapResponseMessage message) {
            if (search == null && message instanceof ESearchResponse esearch && esearch.getHighestModSeq() != null
                    && esearch.getCount() > 0) {
                search = esearch;
            } else if (search != null) {
                held.add(message);
            } else {
                next.respond(message);
            }
        }

        @Override
        public void flush() {
            if (search == null) {
                next.flush();
            }
        }

        Mono<Void> release(ImapSession session) {
            if (search == null) {
                return Mono.empty();
            }
            return returnedModSeq(session)
                .map(modSeq -> new ESearchResponse(search.getMinUid(), search.getMaxUid(), search.getCount(), search.getAll(),
                    modSeq, search.getTag(), search.getUseUid(), search.getSearchResultOptions()))
                .defaultIfEmpty(search)
                .doOnNext(answer -> {
                    next.respond(answer);
                    held.forEach(next::respond);
                    next.flush();
                })
                .then();
        }

        /** The highest mod-sequence of the messages MIN and MAX name (empty when they are gone: James's value stays). */
        private Mono<ModSeq> returnedModSeq(ImapSession session) {
            SelectedMailbox selected = session.getSelected();
            if (selected == null) {
                return Mono.empty();
            }
            List<Long> named = new ArrayList<>();
            List<SearchResultOption> options = search.getSearchResultOptions();
            if (options.contains(SearchResultOption.MIN)) {
                named.add(search.getMinUid());
            }
            if (options.contains(SearchResultOption.MAX)) {
                named.add(search.getMaxUid());
            }
            List<MessageUid> uids = new ArrayList<>();
            for (long id : named) {
                Optional<MessageUid> uid = search.getUseUid() ? Optional.of(MessageUid.of(id)) : selected.uid((int) id);
                uid.ifPresent(uids::add);
            }
            return Flux.fromIterable(uids)
                .concatMap(uid -> Flux.from(selected.getMessageManager().listMessagesMetadata(MessageRange.one(uid),
                    session.getMailboxSession())))
                .map(ComposedMessageIdWithMetaData::getModSeq)
                .reduce((a, b) -> a.asLong() >= b.asLong() ? a : b);
        }
    }
}

package org.civicmail.imap.uidplus;

import javax.inject.Inject;

import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.message.request.CopyRequest;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.metrics.api.MetricFactory;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** COPY / UID COPY: COPYUID (source UIDs, new UIDs) in the tagged OK (RFC 4315 section 3). */
public class UidPlusCopyProcessor extends TransferProcessor<CopyRequest> {
    @Inject
    public UidPlusCopyProcessor(MailboxManager mailboxManager, StatusResponseFactory factory, MetricFactory metrics) {
        super(CopyRequest.class, mailboxManager, factory, metrics);
    }

    @Override
    Flux<MessageRange> transfer(MessageRange uids, MailboxId from, MailboxId to, MailboxSession session) {
        return Flux.from(getMailboxManager().copyMessagesReactive(uids, from, to, session));
    }

    @Override
    Mono<Void> answer(CopyRequest request, ImapSession session, Responder responder, Transferred transferred) {
        return unsolicitedResponses(session, responder, request.isUseUids())
            .then(Mono.fromRunnable(() -> transferred.copyUid().ifPresentOrElse(
                code -> okComplete(request, code, responder),
                () -> okComplete(request, responder))));
    }
}

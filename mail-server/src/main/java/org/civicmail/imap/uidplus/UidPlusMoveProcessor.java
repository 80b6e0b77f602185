package org.civicmail.imap.uidplus;

import java.util.List;

import javax.inject.Inject;

import org.apache.james.imap.api.ImapConstants;
import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.message.Capability;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.message.request.MoveRequest;
import org.apache.james.imap.processor.CapabilityImplementingProcessor;
import org.apache.james.imap.processor.EnableProcessor;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.metrics.api.MetricFactory;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * MOVE / UID MOVE (RFC 6851): COPYUID goes in an untagged OK sent before the EXPUNGE (or VANISHED) responses the move
 * causes (section 4.3), so a client can tie the new UIDs to the messages it is about to forget; the EXPUNGEs come before
 * an EXISTS the same report sends ({@link ExpungesBeforeExists}).
 */
public class UidPlusMoveProcessor extends TransferProcessor<MoveRequest> implements CapabilityImplementingProcessor {
    static final HumanReadableText MOVED = new HumanReadableText("org.civicmail.imap.MOVED_UIDS", "Moved UIDs.");

    private final boolean moveSupported;

    @Inject
    public UidPlusMoveProcessor(MailboxManager mailboxManager, StatusResponseFactory factory, MetricFactory metrics) {
        super(MoveRequest.class, mailboxManager, factory, metrics);
        this.moveSupported = mailboxManager.hasCapability(MailboxManager.MailboxCapabilities.Move);
    }

    @Override
    Flux<MessageRange> transfer(MessageRange uids, MailboxId from, MailboxId to, MailboxSession session) {
        return Flux.from(getMailboxManager().moveMessagesReactive(uids, from, to, session));
    }

    @Override
    Mono<Void> answer(MoveRequest request, ImapSession session, Responder responder, Transferred transferred) {
        transferred.copyUid().ifPresent(code -> responder.respond(getStatusResponseFactory().untaggedOk(MOVED, code)));
        // With QRESYNC the report is one VANISHED, which James sends after taking its messages out of the count.
        boolean reorder = session.getSelected() != null
            && !EnableProcessor.getEnabledCapabilities(session).contains(ImapConstants.SUPPORTS_QRESYNC);
        Responder ordered = reorder ? new ExpungesBeforeExists(responder, session.getSelected()) : responder;
        return unsolicitedResponses(session, ordered, request.isUseUids())
            .then(Mono.fromRunnable(() -> okComplete(request, ordered)));
    }

    @Override
    public List<Capability> getImplementedCapabilities(ImapSession session) {
        return moveSupported ? List.of(ImapConstants.SUPPORTS_MOVE) : List.of();
    }
}

package org.civicmail.imap.condstore;

import javax.inject.Inject;

import org.apache.james.events.EventBus;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.api.process.SelectedMailbox;
import org.apache.james.imap.message.request.SelectRequest;
import org.apache.james.imap.processor.SelectProcessor;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.metrics.api.MetricFactory;
import org.civicmail.imap.view.SelectedViews;
import org.civicmail.imap.view.ViewCountedExists;

import reactor.core.publisher.Mono;

/**
 * SELECT whose QRESYNC resync reports every expunged UID of the range ({@link VanishedRange}) and the messages whose
 * flags changed ({@link QresyncFlagChanges}); the folder it selects is seen through a {@code SelectedView} (other
 * sessions' changes reach the session's sequence numbers only when they are reported) and its EXISTS counts that view
 * ({@code org.civicmail.imap.view}).
 */
public class QresyncSelectProcessor extends SelectProcessor {
    private final SelectedViews views;

    @Inject
    public QresyncSelectProcessor(MailboxManager mailboxManager, EventBus eventBus, StatusResponseFactory factory,
                                  MetricFactory metricFactory, SelectedViews views) {
        super(mailboxManager, views.gating(eventBus), factory, metricFactory);
        this.views = views;
    }

    @Override
    protected Mono<Void> processRequestReactive(SelectRequest request, ImapSession session, Responder responder) {
        return super.processRequestReactive(request, views.selecting(session, false),
            QresyncFlagChanges.around(new ViewCountedExists(responder, session), session, request));
    }

    @Override
    protected MessageRange normalizeMessageRange(SelectedMailbox selected, MessageRange range) {
        return VanishedRange.of(selected, range).orElseGet(() -> super.normalizeMessageRange(selected, range));
    }
}

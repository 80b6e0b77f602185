package org.civicmail.imap.view;

import javax.inject.Inject;

import org.apache.james.imap.api.message.response.ImapResponseMessage;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.message.request.IdleRequest;
import org.apache.james.imap.processor.IdleProcessor;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.metrics.api.MetricFactory;

import reactor.core.publisher.Mono;

/**
 * James's IDLE with its answers written by one writer at a time. James gives IDLE one answer buffer that is not
 * thread-safe, and four writers use it: IDLE's command ("+ idling" and a first report), the reports of changes made
 * while the client idles (on Reactor's pool), the heartbeat, and DONE's tagged OK (on the connection's thread). When
 * a report and DONE wrote at once, the OK was garbled into a report line or erased by the report's flush, and the
 * client waited for it for good (the "lost answer" of the 8-client bench, with no thread blocked); a lost EXPUNGE line
 * left a client counting messages the server no longer had ({@code BAD FETCH failed. Invalid messageset}).
 *
 * <p>Here every write and flush through IDLE's responder takes one lock, reports start only once IDLE's command has
 * finished (and James has flushed its buffer), and DONE waits for a report still being written
 * ({@link EventGate#endIdle()}). Listed in {@code CivicImapPackage} in place of James's IDLE processor.
 */
public class SerialIdleProcessor extends IdleProcessor {
    @Inject
    public SerialIdleProcessor(MailboxManager mailboxManager, StatusResponseFactory factory, MetricFactory metricFactory) {
        super(mailboxManager, factory, metricFactory);
    }

    @Override
    protected Mono<Void> processRequestReactive(IdleRequest request, ImapSession session, Responder responder) {
        Responder oneAtATime = new OneWriterResponder(responder);
        // doFinally runs after the whole chain above it has seen the end, James's flush of the buffer included.
        return Mono.defer(() -> super.processRequestReactive(request, session, oneAtATime))
            .doFinally(signal -> {
                if (session.getSelected() instanceof SelectedView view) {
                    view.idleAnswered();
                }
            });
    }

    /** Writes and flushes under one lock. */
    private static final class OneWriterResponder implements Responder {
        private final Responder next;

        OneWriterResponder(Responder next) {
            this.next = next;
        }

        @Override
        public synchronized void respond(ImapResponseMessage message) {
            next.respond(message);
        }

        @Override
        public synchronized void flush() {
            next.flush();
        }
    }
}

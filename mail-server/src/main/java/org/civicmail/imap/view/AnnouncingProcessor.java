package org.civicmail.imap.view;

import javax.inject.Inject;

import org.apache.james.imap.api.ImapConfiguration;
import org.apache.james.imap.api.ImapMessage;
import org.apache.james.imap.api.process.ImapProcessor;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.processor.DefaultProcessor;

import reactor.core.publisher.Mono;

/**
 * James's command processor chain with every answer passed through {@link RecentOfThisSession} and
 * {@link KeywordsAnnounced}: FETCH responses come from many processors (FETCH, STORE, and every command that reports
 * other sessions' flag changes), so the one place that sees them all is the chain's entry.
 */
final class AnnouncingProcessor implements ImapProcessor {
    private final DefaultProcessor chain;

    @Inject
    AnnouncingProcessor(DefaultProcessor chain) {
        this.chain = chain;
    }

    @Override
    public Mono<Void> processReactive(ImapMessage message, Responder responder, ImapSession session) {
        return chain.processReactive(message, answering(responder, session), session);
    }

    @Override
    public void process(ImapMessage message, Responder responder, ImapSession session) {
        chain.process(message, answering(responder, session), session);
    }

    private static Responder answering(Responder responder, ImapSession session) {
        return new RecentOfThisSession(new KeywordsAnnounced(responder, session), session);
    }

    @Override
    public void configure(ImapConfiguration imapConfiguration) {
        chain.configure(imapConfiguration);
    }
}

package org.civicmail.login.imap;

import java.util.Map;

import javax.inject.Inject;

import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.message.request.IDRequest;
import org.apache.james.imap.message.response.IdResponse;
import org.apache.james.imap.processor.IdProcessor;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.metrics.api.MetricFactory;
import org.civicmail.login.FrontEndKey;

import reactor.core.publisher.Mono;

/**
 * IMAP {@code ID} (RFC 2971). Answers as James does, but never logs the client's fields (the webmail's key is
 * one of them), and when a client proves with {@link FrontEndKey} that it is the webmail, takes its
 * {@code x-originating-ip} as the client address of the login that follows.
 */
public class FrontEndIdProcessor extends IdProcessor {
    static final String KEY_FIELD = "x-civicmail-front-end-key";
    static final String ADDRESS_FIELD = "x-originating-ip";

    private final FrontEndKey key;

    @Inject
    public FrontEndIdProcessor(MailboxManager mailboxManager, StatusResponseFactory factory, MetricFactory metricFactory,
                               FrontEndKey key) {
        super(mailboxManager, factory, metricFactory);
        this.key = key;
    }

    @Override
    protected Mono<Void> processRequestReactive(IDRequest request, ImapSession session, Responder responder) {
        Map<String, String> fields = request.getParameters().orElse(Map.of());
        String address = fields.get(ADDRESS_FIELD);
        if (key.matches(fields.get(KEY_FIELD)) && ImapClientAddress.isIpLiteral(address)) {
            session.setAttribute(ImapClientAddress.FORWARDED_ATTRIBUTE, address);
        }
        responder.respond(new IdResponse());
        return Mono.fromRunnable(() -> okComplete(request, responder));
    }
}

package org.civicmail.login.imap;

import java.util.Optional;

import javax.inject.Inject;

import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.message.request.ImapRequest;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.processor.LoginProcessor;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.metrics.api.MetricFactory;

/** IMAP LOGIN through {@link ImapLoginGate}: throttled, logged, disabled accounts refused. */
public class ThrottledLoginProcessor extends LoginProcessor {
    private final ImapLoginGate gate;

    @Inject
    public ThrottledLoginProcessor(MailboxManager mailboxManager, StatusResponseFactory factory,
                                   MetricFactory metricFactory, ImapLoginGate gate) {
        super(mailboxManager, factory, metricFactory);
        this.gate = gate;
    }

    @Override
    protected void doAuth(AuthenticationAttempt attempt, ImapSession session, ImapRequest request, Responder responder,
                          HumanReadableText failed) {
        gate.attempt(session, attempt.getAuthenticationId(), attempt.getPassword(), Optional.empty(),
            new LoginReplies(session, getMailboxManager(), responder,
                mailboxSession -> provisionInbox(session, getMailboxManager(), mailboxSession),
                () -> okComplete(request, responder), (text, code) -> no(request, responder, text, code)));
    }
}

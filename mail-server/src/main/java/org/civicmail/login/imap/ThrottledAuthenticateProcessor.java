package org.civicmail.login.imap;

import java.util.Optional;

import javax.inject.Inject;

import org.apache.james.core.Username;
import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.message.request.ImapRequest;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.processor.AuthenticateProcessor;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.metrics.api.MetricFactory;

/**
 * IMAP AUTHENTICATE PLAIN through {@link ImapLoginGate}, with and without an authorization id (the webmail's
 * master user acting for a certificate-login user). James parses the SASL exchange; the decision is ours.
 */
public class ThrottledAuthenticateProcessor extends AuthenticateProcessor {
    private final ImapLoginGate gate;

    @Inject
    public ThrottledAuthenticateProcessor(MailboxManager mailboxManager, StatusResponseFactory factory,
                                          MetricFactory metricFactory, ImapLoginGate gate) {
        super(mailboxManager, factory, metricFactory);
        this.gate = gate;
    }

    @Override
    protected void doAuth(AuthenticationAttempt attempt, ImapSession session, ImapRequest request, Responder responder,
                          HumanReadableText failed) {
        attempt(attempt, Optional.empty(), session, request, responder);
    }

    @Override
    protected void doAuthWithDelegation(AuthenticationAttempt attempt, ImapSession session, ImapRequest request,
                                        Responder responder) {
        attempt(attempt, attempt.getDelegateUserName(), session, request, responder);
    }

    /** Both forms of AUTHENTICATE PLAIN: the authorization id, when given, is the account acted for. */
    private void attempt(AuthenticationAttempt attempt, Optional<Username> actedFor, ImapSession session,
                         ImapRequest request, Responder responder) {
        gate.attempt(session, attempt.getAuthenticationId(), attempt.getPassword(), actedFor,
            new LoginReplies(session, getMailboxManager(), responder,
                mailboxSession -> provisionInbox(session, getMailboxManager(), mailboxSession),
                () -> okComplete(request, responder), (text, code) -> no(request, responder, text, code)));
    }
}

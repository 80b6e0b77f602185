package org.civicmail.login.imap;

import java.util.Optional;

import javax.inject.Inject;
import javax.inject.Singleton;

import org.apache.james.core.Username;
import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.message.response.StatusResponse;
import org.apache.james.imap.api.process.ImapSession;
import org.civicmail.login.AccountLogin;


/**
 * What the IMAP LOGIN and AUTHENTICATE processors share: the attempt through {@link AccountLogin} with the
 * session's client address, and the reply for each outcome. Thread-safe.
 */
@Singleton
public class ImapLoginGate {
    /** The replies a processor can give; its protected James helpers are reached through these callbacks. */
    interface Replies {
        void ok(Username user) throws Exception;

        void no(HumanReadableText text, Optional<StatusResponse.ResponseCode> code);
    }

    /**
     * Response codes a client can act on (James 3.8.1 only makes private, X-prefixed ones): the webmail shows its
     * own "wait" or "disabled" page for them.
     */
    public static final StatusResponse.ResponseCode THROTTLED = StatusResponse.ResponseCode.createExtension("XTHROTTLED");
    public static final StatusResponse.ResponseCode DISABLED = StatusResponse.ResponseCode.createExtension("XDISABLED");

    private final AccountLogin login;
    private final OpenImapSessions openSessions;

    @Inject
    public ImapLoginGate(AccountLogin login, OpenImapSessions openSessions) {
        this.login = login;
        this.openSessions = openSessions;
    }

    void attempt(ImapSession session, Username authenticateId, String password, Optional<Username> authorizeId,
                 Replies replies) {
        AccountLogin.Result r = login.attempt("imap", authenticateId == null ? null : authenticateId.asString(),
            password, authorizeId.map(Username::asString), ImapClientAddress.of(session));
        switch (r.outcome()) {
            case OK -> {
                try {
                    replies.ok(r.user());
                    openSessions.add(r.user().asString(), session);
                } catch (Exception e) {
                    AccountLogin.LOG.error("IMAP login of {} failed after authentication", r.user().asString(), e);
                    replies.no(HumanReadableText.GENERIC_FAILURE_DURING_PROCESSING, Optional.empty());
                }
            }
            case THROTTLED -> replies.no(new HumanReadableText("org.civicmail.login.throttled",
                    "Too many failed logins for this account or from your address; try again in "
                        + r.retryAfterSeconds() + " seconds"),
                Optional.of(THROTTLED));
            case DISABLED -> replies.no(new HumanReadableText("org.civicmail.login.disabled",
                    "Account " + r.account() + " is disabled; ask the city mail office"),
                Optional.of(DISABLED));
            case FORBIDDEN -> replies.no(HumanReadableText.DELEGATION_FORBIDDEN, Optional.empty());
            default -> replies.no(HumanReadableText.AUTHENTICATION_FAILED, Optional.empty());
        }
    }
}

package org.civicmail.login.smtp;

import java.util.Optional;

import javax.inject.Inject;

import org.apache.james.protocols.api.OidcSASLConfiguration;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.AuthHook;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.core.Username;
import org.civicmail.login.AccountLogin;

/**
 * SMTP AUTH through {@link AccountLogin}. Listed before James's handlers, so it answers every PLAIN/LOGIN
 * attempt itself and James's own password hook never runs.
 *
 * <p>James 3.8.1 drops the SASL authorization id of AUTH PLAIN, so the webmail, acting for a user who signed in
 * with a certificate, names that user in the authentication id as {@code civicmail-admin*USER} (the master's
 * local part, a star, the user's address: a name James still parses as an address). It counts only with the
 * master's password, checked as the master's login; any other name with a star is an ordinary (failing) login.
 */
public class ThrottledAuthHook implements AuthHook {
    static final char MASTER_SEPARATOR = '*';

    private final AccountLogin login;

    @Inject
    public ThrottledAuthHook(AccountLogin login) {
        this.login = login;
    }

    @Override
    public HookResult doAuth(SMTPSession session, Username username, String password) {
        String name = username.asString();
        String authcid = name;
        Optional<String> authzid = Optional.empty();
        String masterPrefix = login.masterUser().substring(0, login.masterUser().indexOf('@')) + MASTER_SEPARATOR;
        if (name.length() > masterPrefix.length() && name.toLowerCase(java.util.Locale.ROOT).startsWith(masterPrefix)) {
            authcid = login.masterUser();
            authzid = Optional.of(name.substring(masterPrefix.length()));
        }
        String client = session.getRemoteAddress().getAddress().getHostAddress();
        AccountLogin.Result r = login.attempt("smtp", authcid, password, authzid, client);
        switch (r.outcome()) {
            case OK:
                session.setUsername(r.user());
                session.setRelayingAllowed(true);
                return HookResult.builder().hookReturnCode(HookReturnCode.ok()).smtpReturnCode("235")
                    .smtpDescription("2.7.0 Authentication successful").build();
            case THROTTLED:
                return HookResult.builder().hookReturnCode(HookReturnCode.denySoft()).smtpReturnCode("454")
                    .smtpDescription("4.7.0 Too many failed logins for this account or from your address; try again in "
                        + r.retryAfterSeconds() + " seconds").build();
            case DISABLED:
                return deny("5.7.8 Account " + r.account() + " is disabled; ask the city mail office");
            default:
                return deny("5.7.8 Authentication failed: wrong address or password");
        }
    }

    private static HookResult deny(String text) {
        return HookResult.builder().hookReturnCode(HookReturnCode.deny()).smtpReturnCode("535").smtpDescription(text).build();
    }

    @Override
    public HookResult doSasl(SMTPSession session, OidcSASLConfiguration saslConfiguration, String initialResponse) {
        return HookResult.DECLINED;
    }
}

package org.civicmail.login;

import java.util.Locale;
import java.util.Optional;

import javax.inject.Inject;
import javax.inject.Singleton;

import org.apache.james.core.Username;
import org.apache.james.user.api.UsersRepository;
import org.apache.james.user.api.UsersRepositoryException;
import org.civicmail.account.Account;
import org.civicmail.account.AccountClass;
import org.civicmail.account.AccountStore;
import org.civicmail.server.CivicMailServer;
import org.civicmail.config.CivicMailConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may sign in: the one rule behind SMTP AUTH and IMAP LOGIN/AUTHENTICATE (the webmail's password and
 * certificate logins arrive over IMAP and submission). In order: the {@link LoginPolicy} throttle (before the
 * password is looked at), the password, then the account's state: a disabled account is refused even with the
 * right password. Acting for another account is allowed only to the webmail's master user, and never for a
 * disabled account. Every refusal is logged with the account and the client address, never the password.
 * Thread-safe.
 */
@Singleton
public class AccountLogin {
    /** Log of every refused login; one line each, {@code key=value} fields. */
    public static final Logger LOG = LoggerFactory.getLogger("org.civicmail.login");

    public enum Outcome { OK, THROTTLED, BAD_CREDENTIALS, DISABLED, FORBIDDEN }

    /** {@code user} is the account the session acts as (set for OK). */
    public record Result(Outcome outcome, Username user, long retryAfterSeconds, String account) {
        public boolean ok() {
            return outcome == Outcome.OK;
        }
    }

    private final UsersRepository users;
    private final AccountStore accounts;
    private final LoginPolicy policy;
    private final RecentlyVerifiedPasswords recent;
    private final String masterUser;

    @Inject
    public AccountLogin(UsersRepository users, AccountStore accounts, LoginPolicy policy,
                        RecentlyVerifiedPasswords recent, CivicMailConfig config) {
        this.users = users;
        this.accounts = accounts;
        this.policy = policy;
        this.recent = recent;
        this.masterUser = CivicMailServer.ADMIN_USER_LOCAL_PART + "@" + config.domain(AccountClass.OFFICIAL);
    }

    /**
     * @param protocol        for the log: smtp, imap
     * @param authenticateId  whose password this is
     * @param authorizeId     the account to act as, when it differs from {@code authenticateId}; else empty
     * @param clientAddress   the client's IP address (for the webmail: its browser's, which it vouches for)
     */
    public Result attempt(String protocol, String authenticateId, String password, Optional<String> authorizeId,
                          String clientAddress) {
        String authcid = authenticateId == null ? "" : authenticateId.trim();
        String target = authorizeId.map(String::trim).filter(a -> !a.isEmpty() && !a.equalsIgnoreCase(authcid)).orElse(null);
        LoginPolicy.Verdict verdict = policy.check(authcid, clientAddress);
        if (!verdict.allowed()) {
            log(protocol, authcid, target, clientAddress, "throttled; retry in " + verdict.retryAfterSeconds() + " s");
            return new Result(Outcome.THROTTLED, null, verdict.retryAfterSeconds(), authcid);
        }
        if (!passwordMatches(authcid, password)) {
            policy.failed(authcid, clientAddress);
            log(protocol, authcid, target, clientAddress, "bad credentials");
            return new Result(Outcome.BAD_CREDENTIALS, null, 0, authcid);
        }
        if (target != null && !authcid.equalsIgnoreCase(masterUser)) {
            log(protocol, authcid, target, clientAddress, "only the webmail's master user may act for another account");
            return new Result(Outcome.FORBIDDEN, null, 0, authcid);
        }
        String actAs = target != null ? target : authcid;
        Optional<Account> account = accounts.find(actAs.toLowerCase(Locale.ROOT));
        if (target != null && account.isEmpty()) {
            log(protocol, authcid, target, clientAddress, "no such account");
            return new Result(Outcome.FORBIDDEN, null, 0, actAs);
        }
        if (account.isPresent() && account.get().disabled()) {
            log(protocol, authcid, target, clientAddress, "account disabled");
            return new Result(Outcome.DISABLED, null, 0, actAs);
        }
        policy.succeeded(authcid, clientAddress);
        return new Result(Outcome.OK, Username.of(account.map(Account::address).orElse(actAs)), 0, actAs);
    }

    /** Whether {@code address} may still use the server (an open session is ended when not). */
    public boolean enabled(String address) {
        return accounts.find(address.toLowerCase(Locale.ROOT)).map(a -> !a.disabled()).orElse(true);
    }

    public String masterUser() {
        return masterUser;
    }

    private boolean passwordMatches(String user, String password) {
        if (user.isEmpty() || password == null || password.isEmpty()) {
            return false;
        }
        // PBKDF2 once per account and password for a few minutes (a wrong or changed password always takes it).
        return recent.matches(user, password, this::repositoryMatches);
    }

    private boolean repositoryMatches(String user, String password) {
        try {
            return users.test(Username.of(user), password);
        } catch (UsersRepositoryException | IllegalArgumentException e) {
            return false;
        }
    }

    private static void log(String protocol, String authcid, String target, String client, String reason) {
        LOG.warn("login refused: protocol={} account={}{} client={} reason={}", protocol, printable(authcid),
            target == null ? "" : " acting-for=" + printable(target), printable(client), reason);
    }

    /** An account name comes from the network: no control characters reach the log (no forged log lines). */
    static String printable(String s) {
        if (s == null) {
            return "-";
        }
        String cut = s.length() > 200 ? s.substring(0, 200) + "…" : s;
        return cut.codePoints().map(c -> Character.isISOControl(c) ? '?' : c)
            .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    }
}

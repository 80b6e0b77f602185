package org.civicmail.account;

import java.math.BigInteger;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import javax.inject.Inject;
import javax.inject.Singleton;

import org.apache.james.core.Username;
import org.apache.james.core.quota.QuotaSizeLimit;
import org.apache.james.mailbox.quota.MaxQuotaManager;
import org.apache.james.mailbox.quota.UserQuotaRootResolver;
import org.apache.james.user.api.UsersRepository;
import org.apache.james.user.api.model.User;
import org.civicmail.ca.CertificateAuthority;
import org.civicmail.ca.CertificateRecord;
import org.civicmail.ca.CertificateStatus;
import org.civicmail.ca.KeyAlgorithm;
import org.civicmail.ca.PersonName;
import org.civicmail.ca.RevocationReason;
import org.civicmail.login.AccountSessions;
import org.civicmail.server.CivicDatabase;
import org.civicmail.smime.AccountKeyStore;
import org.civicmail.config.CivicMailConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates and disables accounts. An account exists in two places, our identity table and James's users
 * repository; creation writes both or neither.
 */
@Singleton
public class AccountService {
    private static final Logger LOG = LoggerFactory.getLogger(AccountService.class);
    public static final int MIN_PASSWORD_LENGTH = 8;

    private final AccountStore store;
    private final CivicDatabase db;
    private final UsersRepository users;
    private final MaxQuotaManager quotas;
    private final UserQuotaRootResolver quotaRoots;
    private final CivicMailConfig config;
    private final AccountKeyStore keys;
    private final CertificateAuthority ca;
    private final AccountSessions sessions;

    @Inject
    public AccountService(AccountStore store, CivicDatabase db, UsersRepository users, MaxQuotaManager quotas,
                          UserQuotaRootResolver quotaRoots, CivicMailConfig config, AccountKeyStore keys,
                          CertificateAuthority ca, AccountSessions sessions) {
        this.keys = keys;
        this.ca = ca;
        this.sessions = sessions;
        this.store = store;
        this.db = db;
        this.users = users;
        this.quotas = quotas;
        this.quotaRoots = quotaRoots;
        this.config = config;
    }

    public MailDomains domains() {
        return config;
    }

    public AccountStore store() {
        return store;
    }

    /** Validates and creates; throws {@link InvalidAccountException} for bad or conflicting input. */
    public Account create(AccountRequest request, char[] password) {
        Account account = request.validate(config);
        Optional<KeyAlgorithm> signingKey = request.signingKeyAlgorithm();
        checkPassword(password);
        checkUnique(account);
        Username username = Username.of(account.address());
        try (Connection c = db.connection()) {
            c.setAutoCommit(false);
            try {
                store.insert(c, account);
                Optional<PersonName> personName = request.personName();
                if (personName.isPresent()) {
                    store.insertPersonName(c, account.address(), personName.get());
                }
                users.addUser(username, new String(password));
                quotas.setMaxStorage(quotaRoots.forUser(username), QuotaSizeLimit.size(config.quotaBytes(account.accountClass())));
                c.commit();
            } catch (Exception e) {
                c.rollback();
                removeJamesUser(username);
                if (e instanceof SQLException sql && sql.getSQLState().startsWith("23")) {
                    throw new InvalidAccountException("address", account.address() + " already exists (or its ID number / credit code is taken)");
                }
                throw new IllegalStateException("could not create account " + account.address() + ": " + e.getMessage(), e);
            } finally {
                // Committed or rolled back only now: caches of the account table (registered names) look again.
                store.changed();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("database unavailable while creating " + account.address() + ": " + e.getMessage(), e);
        }
        if (account.accountClass() != AccountClass.CITIZEN) {
            issueSigningCertificate(account, username, signingKey);
        }
        LOG.info("Created {} account {}", account.accountClass(), account.address());
        return account;
    }

    /**
     * Officials and legal entities sign everything they send, so their account exists only with a certificate:
     * if the CA refuses, the account is removed again.
     */
    private void issueSigningCertificate(Account account, Username username, Optional<KeyAlgorithm> algorithm) {
        try {
            keys.issue(account.address(), algorithm);
        } catch (RuntimeException e) {
            store.delete(account.address());
            removeJamesUser(username);
            throw new IllegalStateException("account " + account.address() + " was not created: its signing certificate "
                + "could not be issued (" + e.getMessage() + ")", e);
        }
    }

    private void removeJamesUser(Username username) {
        try {
            if (users.contains(username)) {
                users.removeUser(username);
            }
        } catch (Exception cleanup) {
            LOG.warn("Could not undo James user {} after a failed creation: {}", username.asString(), cleanup.toString());
        }
    }

    void checkUnique(Account account) {
        if (store.find(account.address()).isPresent()) {
            throw new InvalidAccountException("address", account.address() + " already exists");
        }
        account.idNumber().flatMap(id -> store.findByIdNumber(id.value())).ifPresent(other -> {
            throw new InvalidAccountException("id-number", "already belongs to account " + other.address()
                + "; a resident has one citizen mailbox");
        });
        account.creditCode().flatMap(code -> store.findByCreditCode(code.value())).ifPresent(other -> {
            throw new InvalidAccountException("credit-code", "already belongs to account " + other.address());
        });
    }

    public static void checkPassword(char[] password) {
        if (password == null || password.length < MIN_PASSWORD_LENGTH) {
            throw new InvalidAccountException("password", "must have at least " + MIN_PASSWORD_LENGTH + " characters");
        }
        for (char ch : password) {
            if (Character.isISOControl(ch)) {
                throw new InvalidAccountException("password", "must not contain control characters");
            }
        }
    }

    /** What disabling did: the certificates it revoked and the IMAP sessions it ended. */
    public record Disabled(Account account, List<BigInteger> revoked, int sessionsEnded) {
    }

    /** What enabling did: the new signing certificate, if the class signs. */
    public record Enabled(Account account, Optional<BigInteger> newSigningCertificate) {
    }

    /**
     * Disables an account: every login is refused from now on (SMTP, IMAP, webmail password and certificate:
     * {@link org.civicmail.login.AccountLogin}), its open IMAP and webmail sessions are ended, every certificate
     * of it is revoked (cessationOfOperation), so its signatures no longer verify and its client certificate
     * no longer signs in, and mail to it is refused. Stored mail stays; the password is kept for {@link #enable}.
     * Disabling a disabled account revokes what may have been issued since and ends sessions again.
     */
    public Disabled disable(String address) {
        Account account = require(address);
        store.setDisabled(account.address(), true);
        List<BigInteger> revoked = new ArrayList<>();
        for (CertificateRecord certificate : List.copyOf(ca.certificatesFor(account.address()))) {
            if (certificate.status().state() == CertificateStatus.State.GOOD
                    || certificate.status().reason().filter(r -> r == RevocationReason.certificateHold).isPresent()) {
                ca.revoke(certificate.serial(), RevocationReason.cessationOfOperation);
                revoked.add(certificate.serial());
            }
        }
        int ended = sessions.endAll(account.address());
        LOG.info("Disabled account {}: {} certificate(s) revoked, {} IMAP session(s) ended", account.address(),
            revoked.size(), ended);
        return new Disabled(account.withDisabled(true), revoked, ended);
    }

    /**
     * Enables a disabled account again: logins are accepted, mail is received; an official or legal-entity
     * account gets a new signing certificate (the old ones stay revoked). {@code newPassword} replaces the
     * password when given (accounts disabled before passwords were kept need one).
     */
    public Enabled enable(String address, Optional<char[]> newPassword) {
        Account account = require(address);
        newPassword.ifPresent(AccountService::checkPassword);
        if (!account.disabled()) {
            throw new InvalidAccountException("address", account.address() + " is not disabled");
        }
        newPassword.ifPresent(pw -> setPassword(account, pw));
        store.setDisabled(account.address(), false);
        Optional<BigInteger> serial = Optional.empty();
        if (account.accountClass() != AccountClass.CITIZEN) {
            serial = Optional.of(keys.issue(account.address(), Optional.empty()).certificate().getSerialNumber());
        }
        LOG.info("Enabled account {}{}", account.address(), serial.map(s -> "; new signing certificate " + s.toString(16)).orElse(""));
        return new Enabled(account.withDisabled(false), serial);
    }

    private void setPassword(Account account, char[] password) {
        try {
            User user = users.getUserByName(Username.of(account.address()));
            if (user == null) {
                users.addUser(Username.of(account.address()), new String(password));
            } else {
                user.setPassword(new String(password));
                users.updateUser(user);
            }
        } catch (Exception e) {
            throw new IllegalStateException("could not set the password of " + account.address() + ": " + e.getMessage(), e);
        }
    }

    /** The account's certificates, newest first. */
    public List<CertificateRecord> certificates(String address) {
        List<CertificateRecord> all = new ArrayList<>(ca.certificatesFor(require(address).address()));
        all.sort(java.util.Comparator.comparing(CertificateRecord::notBefore).reversed());
        return all;
    }

    /**
     * Stores the surname and given name of an existing person's account ({@code account set}); its next certificate
     * carries them. Agency mailboxes and legal entities have no person's name.
     */
    public PersonName setPersonName(String address, PersonName name) {
        Account account = require(address);
        if (account.accountClass() == AccountClass.LEGAL_ENTITY || account.mayBroadcast()) {
            throw new InvalidAccountException("surname", account.address() + " is an organisation's mailbox; its certificate carries"
                + " the organisation, not a person's name");
        }
        store.setPersonName(account.address(), name);
        return name;
    }

    public Account require(String address) {
        return find(address).orElseThrow(() -> new InvalidAccountException("address",
            "no account " + address + "; see `./civicmail account list`"));
    }

    public Optional<Account> find(String address) {
        return store.find(address.trim());
    }
}

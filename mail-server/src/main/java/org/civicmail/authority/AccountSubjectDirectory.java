package org.civicmail.authority;

import java.util.Optional;

import org.civicmail.ca.PersonName;
import org.civicmail.ca.Subject;
import org.civicmail.ca.SubjectDirectory;
import org.civicmail.account.Account;
import org.civicmail.account.AccountStore;
import org.civicmail.account.UnifiedSocialCreditCode;

/** The CA's view of our accounts: a certificate's subject comes from the account, never from a CSR. */
public final class AccountSubjectDirectory implements SubjectDirectory {
    private final AccountStore accounts;

    public AccountSubjectDirectory(AccountStore accounts) {
        this.accounts = accounts;
    }

    @Override
    public Optional<Subject> find(String emailAddress) {
        return accounts.find(emailAddress).filter(a -> !a.disabled()).map(this::subjectOf);
    }

    /**
     * The strict S/MIME profile of each class: a citizen is individual-validated (surname and given name), a legal
     * entity organization-validated; an official is sponsor-validated (the person, in the agency), except the agency's
     * own mailbox (may-broadcast: notices, the tax bureau), which has no person behind it and is organization-validated.
     * Names stored at creation or with {@code account set} win; older accounts get {@link PersonName#derive}.
     */
    Subject subjectOf(Account a) {
        return switch (a.accountClass()) {
            case CITIZEN -> Subject.individual(a.address(), person(a));
            case LEGAL_ENTITY -> Subject.legalEntity(a.address(), a.name(), a.creditCode().map(UnifiedSocialCreditCode::value).orElseThrow());
            case OFFICIAL -> a.mayBroadcast()
                ? Subject.agency(a.address(), a.agency().orElseThrow(), null)
                : Subject.sponsored(a.address(), person(a), a.agency().orElseThrow(), null);
        };
    }

    private PersonName person(Account a) {
        return accounts.personName(a.address()).orElseGet(() -> PersonName.derive(a.name()));
    }
}

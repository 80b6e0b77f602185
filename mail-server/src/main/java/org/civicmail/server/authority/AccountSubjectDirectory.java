package org.civicmail.server.authority;

import java.util.Optional;

import org.civicmail.ca.Subject;
import org.civicmail.ca.SubjectDirectory;
import org.civicmail.mailbox.Account;
import org.civicmail.mailbox.AccountStore;
import org.civicmail.mailbox.UnifiedSocialCreditCode;

/** The CA's view of our accounts: a certificate's subject comes from the account, never from a CSR. */
public final class AccountSubjectDirectory implements SubjectDirectory {
    private final AccountStore accounts;

    public AccountSubjectDirectory(AccountStore accounts) {
        this.accounts = accounts;
    }

    @Override
    public Optional<Subject> find(String emailAddress) {
        return accounts.find(emailAddress).filter(a -> !a.disabled()).map(AccountSubjectDirectory::subjectOf);
    }

    static Subject subjectOf(Account a) {
        return switch (a.accountClass()) {
            case CITIZEN -> Subject.citizen(a.address(), a.name());
            case LEGAL_ENTITY -> Subject.legalEntity(a.address(), a.name(), a.creditCode().map(UnifiedSocialCreditCode::value).orElseThrow());
            case OFFICIAL -> Subject.official(a.address(), a.name(), a.agency().orElseThrow(), null);
        };
    }
}

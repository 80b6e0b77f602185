package org.civicmail.james;

import javax.inject.Inject;

import org.apache.james.core.Username;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.user.api.UsersRepositoryException;
import org.apache.james.user.jpa.JPAUsersRepository;

/**
 * James's JPA users repository with the users it has confirmed to exist remembered in memory (issue 14). Every
 * inbound message asked James's users table whether its recipient exists twice (SMTP's RCPT check and the
 * {@code RecipientIsLocal} matcher), a JPA query each: about 0.5 ms of CPU per message in the mail-flow benchmark's
 * JFR. Only "exists" is remembered (a user unknown a moment ago is asked again, so a new account receives mail at
 * once), and a removal forgets everything before and after it runs ({@link ReadThroughCache}), so a removed user is
 * refused from the very next look-up. Every change to James's users goes through this object: embedded Derby admits
 * one process, and nothing in CivicMail writes James's user table below James's API ({@code login.JamesUserTable}
 * only reads it). Password checks ({@code test}, {@code getUserByName}) are not cached.
 */
public class KnownUsersCache extends JPAUsersRepository {
    /** About 100 bytes per entry; a city's citizens fit many times over in a few MiB, and a full table is emptied. */
    static final int MAX_ENTRIES = 100_000;

    private final ReadThroughCache<Username, Boolean> existing = new ReadThroughCache<>(MAX_ENTRIES, Boolean::booleanValue);

    @Inject
    public KnownUsersCache(DomainList domainList) {
        super(domainList);
    }

    @Override
    public boolean contains(Username name) throws UsersRepositoryException {
        return existing.get(name, () -> super.contains(name));
    }

    @Override
    public void removeUser(Username name) throws UsersRepositoryException {
        existing.changing(() -> super.removeUser(name));
    }
}

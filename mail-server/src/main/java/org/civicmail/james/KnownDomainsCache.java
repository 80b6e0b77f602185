package org.civicmail.james;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import javax.inject.Inject;

import org.apache.james.core.Domain;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.domainlist.api.DomainListException;
import org.apache.james.domainlist.jpa.JPADomainList;

/**
 * James's domain list in Derby, with the domains it has confirmed remembered in memory. Every SMTP transaction and
 * every local delivery asks whether a domain is the city's several times (recipient check, matchers, mailbox
 * lookup), and each question was a JPA query: 8 % of the server's CPU on the inbound path. James's own cache cannot
 * be used: it caches "absent" too, and at start-up it is asked about the default domain before adding it, so it
 * would report the city's own domain as foreign until the entry expired.
 * <p>
 * Only "present" is remembered; a domain unknown a moment ago is asked again, so a domain added by James's start-up
 * (which adds directly to the JPA list) counts at once. Removing a domain goes through this class, which forgets it
 * first; no other process can change the list (embedded Derby admits one). Thread-safe.
 */
public final class KnownDomainsCache implements DomainList {
    private final DomainList delegate;
    private final Set<Domain> known = ConcurrentHashMap.newKeySet();
    /** Counts removals, so an answer read while one ran is not remembered. */
    private final java.util.concurrent.atomic.AtomicLong removals = new java.util.concurrent.atomic.AtomicLong();

    @Inject
    public KnownDomainsCache(JPADomainList delegate) {
        this((DomainList) delegate);
    }

    KnownDomainsCache(DomainList delegate) {
        this.delegate = delegate;
    }

    @Override
    public boolean containsDomain(Domain domain) throws DomainListException {
        if (known.contains(domain)) {
            return true;
        }
        long before = removals.get();
        boolean present = delegate.containsDomain(domain);
        if (present) {
            known.add(domain);
            if (removals.get() != before) {
                known.remove(domain);
            }
        }
        return present;
    }

    @Override
    public List<Domain> getDomains() throws DomainListException {
        return delegate.getDomains();
    }

    @Override
    public void addDomain(Domain domain) throws DomainListException {
        delegate.addDomain(domain);
    }

    @Override
    public void removeDomain(Domain domain) throws DomainListException {
        removals.incrementAndGet();
        known.remove(domain);
        try {
            delegate.removeDomain(domain);
        } finally {
            removals.incrementAndGet();
            known.remove(domain);
        }
    }

    @Override
    public Domain getDefaultDomain() throws DomainListException {
        return delegate.getDefaultDomain();
    }
}

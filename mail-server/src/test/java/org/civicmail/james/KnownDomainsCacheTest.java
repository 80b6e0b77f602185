package org.civicmail.james;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.james.core.Domain;
import org.apache.james.domainlist.api.DomainList;
import org.junit.jupiter.api.Test;

class KnownDomainsCacheTest {
    static final Domain CITIZEN = Domain.of("citizen.hangzhou.example");
    static final Domain FOREIGN = Domain.of("evil.example");

    /** The domain list as James's JPA one behaves: a set, and a count of the questions asked of it. */
    static final class CountingDomains implements DomainList {
        final Set<Domain> domains = ConcurrentHashMap.newKeySet();
        final AtomicInteger lookups = new AtomicInteger();

        @Override
        public List<Domain> getDomains() {
            return List.copyOf(domains);
        }

        @Override
        public boolean containsDomain(Domain domain) {
            lookups.incrementAndGet();
            return domains.contains(domain);
        }

        @Override
        public void addDomain(Domain domain) {
            domains.add(domain);
        }

        @Override
        public void removeDomain(Domain domain) {
            domains.remove(domain);
        }

        @Override
        public Domain getDefaultDomain() {
            return CITIZEN;
        }
    }

    @Test
    void aKnownDomainIsAnsweredWithoutAskingTheDatabaseAgain() throws Exception {
        CountingDomains jpa = new CountingDomains();
        jpa.addDomain(CITIZEN);
        KnownDomainsCache cache = new KnownDomainsCache(jpa);
        for (int i = 0; i < 5; i++) {
            assertThat(cache.containsDomain(CITIZEN)).isTrue();
        }
        assertThat(jpa.lookups).hasValue(1);
    }

    @Test
    void anAbsentDomainIsNotRememberedSoADomainAddedBehindTheCacheCountsAtOnce() throws Exception {
        // James's own cache failed here: asked about the default domain before start-up added it, it kept "absent".
        CountingDomains jpa = new CountingDomains();
        KnownDomainsCache cache = new KnownDomainsCache(jpa);
        assertThat(cache.containsDomain(CITIZEN)).isFalse();
        jpa.addDomain(CITIZEN);
        assertThat(cache.containsDomain(CITIZEN)).isTrue();
        assertThat(cache.containsDomain(FOREIGN)).isFalse();
        assertThat(cache.containsDomain(FOREIGN)).isFalse();
        assertThat(jpa.lookups).hasValue(4);
    }

    @Test
    void aRemovedDomainIsNoLongerLocal() throws Exception {
        // Attack: mail for a domain the city gave up must not still be accepted from the cache.
        CountingDomains jpa = new CountingDomains();
        jpa.addDomain(CITIZEN);
        KnownDomainsCache cache = new KnownDomainsCache(jpa);
        assertThat(cache.containsDomain(CITIZEN)).isTrue();
        cache.removeDomain(CITIZEN);
        assertThat(cache.containsDomain(CITIZEN)).isFalse();
        assertThat(jpa.getDomains()).doesNotContain(CITIZEN);
    }
}

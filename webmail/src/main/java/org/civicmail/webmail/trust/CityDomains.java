package org.civicmail.webmail.trust;

import java.util.List;
import java.util.Locale;

/**
 * The city's mail domains ({@code webmail.city-domains}): an address is inside the city when its domain is one of
 * them or a subdomain of one. Used to warn before a reply leaves the city. Immutable.
 */
public record CityDomains(List<String> domains) {

    public CityDomains {
        domains = domains.stream().map(d -> d.trim().toLowerCase(Locale.ROOT)).filter(d -> !d.isEmpty()).toList();
    }

    public boolean isEmpty() {
        return domains.isEmpty();
    }

    /** @return true for an address in a city domain; false for others and for anything that is not an address */
    public boolean contains(String address) {
        if (address == null || address.indexOf('@') < 0) {
            return false;
        }
        String domain = address.substring(address.lastIndexOf('@') + 1).trim().toLowerCase(Locale.ROOT);
        return domains.stream().anyMatch(d -> domain.equals(d) || domain.endsWith("." + d));
    }
}

package org.civicmail.mailflow.sender;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.civicmail.account.AccountClass;
import org.civicmail.account.MailDomains;

/**
 * The city's mail domains as a sender claim: a domain is the city's when it is one of the configured class domains
 * or a subdomain of one ({@code x.gov.hangzhou.example} is refused like {@code gov.hangzhou.example}: a reader
 * cannot tell them apart and the city publishes no such subdomain for others to use). Case and a trailing dot do
 * not matter. Immutable.
 */
public final class CityDomains {
    private final List<String> domains;

    public CityDomains(MailDomains config) {
        this.domains = java.util.Arrays.stream(AccountClass.values()).map(config::domainOf)
            .map(d -> d.toLowerCase(Locale.ROOT)).toList();
    }

    /** The city domain {@code domain} is or lies under, if any. */
    public Optional<String> cityDomainOf(String domain) {
        String d = domain.trim().toLowerCase(Locale.ROOT);
        while (d.endsWith(".")) {
            d = d.substring(0, d.length() - 1);
        }
        for (String city : domains) {
            if (d.equals(city) || d.endsWith("." + city)) {
                return Optional.of(city);
            }
        }
        return Optional.empty();
    }

    /** The first city domain a shown sender's address names, if any. */
    public Optional<String> claimedBy(ShownSender sender) {
        for (String domain : sender.domains()) {
            Optional<String> city = cityDomainOf(domain);
            if (city.isPresent()) {
                return city;
            }
        }
        return Optional.empty();
    }
}

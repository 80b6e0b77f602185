package org.civicmail.ca;

import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import javax.sql.DataSource;

/**
 * Everything the host gives the CA, checked when built.
 *
 * @param dataSource   the host's database (Derby); the CA creates its {@code CA_} tables in it
 * @param home         directory for the encrypted CA keys and the audit log, e.g. {@code <data>/ca}
 * @param urls         base URL of the CA's HTTP endpoints, written into certificates
 * @param keyAlgorithm algorithm of the CA keys and of generated account keys
 * @param passphrase   protects the CA keys at rest
 * @param country      ISO country code for subject C and organizationIdentifier (default CN)
 * @param organization organisation name in the CA certificates' subjects
 * @param mailDomains  the city's mail domains: the S/MIME issuing CA may certify mailboxes in exactly these
 *                     (its rfc822Name name constraints). Empty: the CA is made, or stays, with one unconstrained
 *                     first-generation issuing CA ({@link IssuerSlot#LEGACY}); the mail server always gives them.
 * @param hostNames    the host names / IP addresses the TLS issuing CA may certify (its dNSName / iPAddress
 *                     constraints); given together with {@code mailDomains}
 * @param subscriberKeys algorithm of the keys the CA generates for each {@link KeyUse}; a use not in the map gets
 *                     {@code keyAlgorithm}
 */
public record CaConfig(DataSource dataSource, Path home, CaUrls urls, KeyAlgorithm keyAlgorithm,
                       PassphraseSource passphrase, String country, String organization, Clock clock,
                       List<String> mailDomains, List<String> hostNames, Map<KeyUse, KeyAlgorithm> subscriberKeys) {
    public CaConfig {
        Objects.requireNonNull(dataSource, "dataSource");
        Objects.requireNonNull(home, "home");
        Objects.requireNonNull(urls, "urls");
        Objects.requireNonNull(passphrase, "passphrase");
        keyAlgorithm = keyAlgorithm == null ? KeyAlgorithm.EC_P256 : keyAlgorithm;
        country = country == null ? "CN" : country;
        organization = organization == null ? "CivicMail City" : organization;
        clock = clock == null ? Clock.systemUTC() : clock;
        if (keyAlgorithm == KeyAlgorithm.RSA_2048) {
            // The CA's own keys sign for the life of every certificate below them; 2048 bits is for account keys only.
            throw new InvalidInputException("--key-algorithm rsa-2048 is for mailbox keys only (ca issue --key-algorithm rsa-2048); "
                + "the CA's keys use ec-p256 or rsa-3072");
        }
        if (!country.matches("[A-Z]{2}")) {
            throw new InvalidInputException("country '" + country + "' must be a two-letter ISO 3166 code such as CN");
        }
        subscriberKeys = subscriberKeys == null ? Map.of() : Map.copyOf(subscriberKeys);
        mailDomains = normalized(mailDomains);
        hostNames = normalized(hostNames);
        if (mailDomains.isEmpty() != hostNames.isEmpty()) {
            throw new InvalidInputException("the CA's names need both the mail domains (" + mailDomains + ") and the TLS host names ("
                + hostNames + "): the S/MIME and the TLS issuing CA are made together");
        }
    }

    /** Without names: the first-generation layout (one unconstrained issuing CA). */
    public CaConfig(DataSource dataSource, Path home, CaUrls urls, KeyAlgorithm keyAlgorithm,
                    PassphraseSource passphrase, String country, String organization, Clock clock) {
        this(dataSource, home, urls, keyAlgorithm, passphrase, country, organization, clock, List.of(), List.of(), Map.of());
    }

    private static List<String> normalized(List<String> names) {
        if (names == null) {
            return List.of();
        }
        Set<String> out = new LinkedHashSet<>();
        for (String n : names) {
            String t = n == null ? "" : n.trim().toLowerCase(Locale.ROOT);
            if (t.isEmpty()) {
                throw new InvalidInputException("an empty name in the CA's mail domains or TLS host names " + names);
            }
            out.add(t);
        }
        return List.copyOf(out);
    }

    /** The algorithm of keys the CA generates for {@code use}: as configured, else {@link #keyAlgorithm()}. */
    public KeyAlgorithm subscriberKey(KeyUse use) {
        return subscriberKeys.getOrDefault(use, keyAlgorithm);
    }

    /** Per-use algorithms of generated keys (RSA 2048 allowed here, unlike for the CA's keys). */
    public CaConfig withSubscriberKeys(Map<KeyUse, KeyAlgorithm> keys) {
        return new CaConfig(dataSource, home, urls, keyAlgorithm, passphrase, country, organization, clock, mailDomains, hostNames, keys);
    }

    /** True if the purpose-bound S/MIME and TLS issuing CAs can be made (names are configured). */
    public boolean hasNames() {
        return !mailDomains.isEmpty();
    }

    /** The names the purpose-bound issuing CAs are constrained to. */
    public CaConfig withNames(List<String> domains, List<String> hosts) {
        return new CaConfig(dataSource, home, urls, keyAlgorithm, passphrase, country, organization, clock, domains, hosts, subscriberKeys);
    }

    /** The usual configuration: ECDSA P-256, country CN, passphrase from the environment. */
    public static CaConfig of(DataSource dataSource, Path home, String baseUrl) {
        return new CaConfig(dataSource, home, new CaUrls(baseUrl), KeyAlgorithm.EC_P256, PassphraseSource.fromEnvironment(),
                null, null, null);
    }

    public CaConfig withPassphrase(PassphraseSource source) {
        return new CaConfig(dataSource, home, urls, keyAlgorithm, source, country, organization, clock, mailDomains, hostNames, subscriberKeys);
    }

    public CaConfig withKeyAlgorithm(KeyAlgorithm algorithm) {
        return new CaConfig(dataSource, home, urls, algorithm, passphrase, country, organization, clock, mailDomains, hostNames, subscriberKeys);
    }

    public CaConfig withClock(Clock c) {
        return new CaConfig(dataSource, home, urls, keyAlgorithm, passphrase, country, organization, c, mailDomains, hostNames, subscriberKeys);
    }
}

package org.civicmail.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

import org.civicmail.ca.KeyAlgorithm;
import org.civicmail.ca.KeyUse;
import org.civicmail.account.AccountClass;
import org.civicmail.account.MailDomains;

/**
 * {@code conf/civicmail.properties}, read once at start into typed, cross-checked values.
 * Keys are the constants below and are documented in README.md.
 */
public final class CivicMailConfig implements MailDomains {
    public static final String FILE_NAME = "civicmail.properties";

    public static final String BIND_HOST = "civicmail.bind.host";
    public static final String HOSTNAME = "civicmail.hostname";
    public static final String SMTP_PORT = "civicmail.smtp.port";
    public static final String SUBMISSION_PORT = "civicmail.submission.port";
    public static final String IMAP_PORT = "civicmail.imap.port";
    public static final String IMAPS_PORT = "civicmail.imaps.port";
    public static final String WEBADMIN_PORT = "civicmail.webadmin.port";
    /** James WebAdmin (loopback, JWT): off unless {@code true}; the CLI never needs it (it has the admin API). */
    public static final String WEBADMIN_ENABLED = "civicmail.webadmin.enabled";
    /** PEM RSA public key (relative to the conf directory) that WebAdmin's bearer tokens must be signed with. */
    public static final String WEBADMIN_JWT_PUBLIC_KEY = "civicmail.webadmin.jwt-public-key";
    public static final String ADMIN_PORT = "civicmail.admin.port";
    public static final String CA_PORT = "civicmail.ca.port";
    /** HTTPS port of the broadcast REST API for agency systems (client-certificate authentication). */
    public static final String BROADCAST_PORT = "civicmail.broadcast.port";
    public static final String WEBMAIL_PORT = "civicmail.webmail.port";
    /** Recipients a broadcast delivers and records per Derby commit (one batch). */
    public static final String BROADCAST_BATCH = "civicmail.broadcast.batch-size";
    /** PEM file (relative to the conf directory) of other CAs' roots whose S/MIME signatures are trusted too. */
    public static final String SMIME_TRUST_ANCHORS = "civicmail.smime.trust-anchors";
    /** Longest time a foreign CA's CRL is reused (seconds), so a revocation shows within it. */
    public static final String CRL_MAX_AGE = "civicmail.smime.crl-max-age-seconds";
    /** Whether {@code start} also runs the webmail (a child JVM); needs the webmail module built. */
    public static final String WEBMAIL_ENABLED = "civicmail.webmail.enabled";
    /** Maximum heap of the webmail child JVM, in MiB (it holds sessions and one message at a time per request). */
    public static final String WEBMAIL_HEAP_MIB = "civicmail.webmail.heap-mib";
    /** Public base URL of the CA's HTTP endpoints, written into certificates (CRL, OCSP, CA issuers). */
    public static final String CA_BASE_URL = "civicmail.ca.base-url";
    /** Algorithm of the CA's own keys (root and issuing CAs), used when they are created: ec-p256 or rsa-3072. */
    public static final String CA_KEY_ALGORITHM = "civicmail.ca.key-algorithm";
    /** Prefix of the algorithm of the keys the CA generates per use: citizen, official, agency, legal-entity, tls. */
    public static final String SUBSCRIBER_KEY_PREFIX = "civicmail.ca.subscriber-key.";
    public static final String DOMAIN_PREFIX = "civicmail.domain.";
    public static final String QUOTA_PREFIX = "civicmail.quota.";
    public static final String OUTBOUND_ALLOWED = "civicmail.outbound.allowed-classes";
    public static final String MAX_MESSAGE_KIB = "civicmail.smtp.max-message-kib";
    /** Optional host:port all outbound mail is handed to (a smarthost); without it, MX lookup. */
    public static final String RELAY_GATEWAY = "civicmail.relay.gateway";
    /**
     * Whether unauthenticated mail on the smtp port whose From or Sender is in a city domain (or a subdomain of one)
     * is refused at DATA, as a domain publishing DMARC {@code p=reject} would have it refused ({@code true}/{@code false}).
     */
    public static final String REJECT_CITY_FROM = "civicmail.inbound.reject-city-from";

    private final Path confDir;
    private final String bindHost;
    private final String hostname;
    private final Map<Listener, Integer> ports;
    private final Map<AccountClass, String> domains;
    private final Map<AccountClass, Long> quotaBytes;
    private final Set<AccountClass> outboundAllowed;
    private final int maxMessageKib;
    private final Optional<String> relayGateway;
    private final Optional<String> caBaseUrl;
    private final KeyAlgorithm caKeyAlgorithm;
    private final Map<KeyUse, KeyAlgorithm> subscriberKeys;
    private final boolean webmailEnabled;
    private final Optional<Path> webadminJwtPublicKey;
    private final int webmailHeapMib;
    private final int broadcastBatchSize;
    private final List<X509Certificate> extraTrustAnchors;
    private final java.time.Duration crlMaxAge;
    private final boolean rejectCityFrom;
    private final org.civicmail.login.LoginPolicySettings login;

    /** The listeners whose ports come from configuration. */
    public enum Listener {
        SMTP(SMTP_PORT), SUBMISSION(SUBMISSION_PORT), IMAP(IMAP_PORT), IMAPS(IMAPS_PORT),
        WEBADMIN(WEBADMIN_PORT), ADMIN(ADMIN_PORT), CA_HTTP(CA_PORT), BROADCAST_API(BROADCAST_PORT),
        WEBMAIL(WEBMAIL_PORT);

        final String key;

        Listener(String key) {
            this.key = key;
        }

        public String displayName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    private CivicMailConfig(Path confDir, Properties p) {
        this.confDir = confDir;
        this.bindHost = required(p, BIND_HOST);
        this.hostname = required(p, HOSTNAME);
        this.ports = new EnumMap<>(Listener.class);
        for (Listener listener : Listener.values()) {
            ports.put(listener, port(p, listener.key));
        }
        this.domains = new EnumMap<>(AccountClass.class);
        this.quotaBytes = new EnumMap<>(AccountClass.class);
        for (AccountClass c : AccountClass.values()) {
            String domain = required(p, DOMAIN_PREFIX + c.cliName()).toLowerCase(Locale.ROOT);
            if (domains.containsValue(domain)) {
                throw new ConfigException(DOMAIN_PREFIX + c.cliName() + " = " + domain
                    + " is already the domain of another class in " + file() + "; each class needs its own domain");
            }
            domains.put(c, domain);
            quotaBytes.put(c, positiveLong(p, QUOTA_PREFIX + c.cliName() + ".mib") * 1024 * 1024);
        }
        this.outboundAllowed = EnumSet.noneOf(AccountClass.class);
        for (String name : p.getProperty(OUTBOUND_ALLOWED, "").split(",")) {
            if (!name.isBlank()) {
                try {
                    outboundAllowed.add(AccountClass.parse(name));
                } catch (RuntimeException e) {
                    throw new ConfigException(OUTBOUND_ALLOWED + " in " + file() + ": " + e.getMessage());
                }
            }
        }
        this.maxMessageKib = (int) nonNegativeLong(p, MAX_MESSAGE_KIB);
        this.relayGateway = Optional.ofNullable(p.getProperty(RELAY_GATEWAY)).map(String::trim).filter(s -> !s.isEmpty());
        this.webmailEnabled = bool(p, WEBMAIL_ENABLED, true);
        this.webmailHeapMib = p.containsKey(WEBMAIL_HEAP_MIB) ? (int) Math.min(positiveLong(p, WEBMAIL_HEAP_MIB), 65_536) : 64;
        this.webadminJwtPublicKey = bool(p, WEBADMIN_ENABLED, false) ? Optional.of(webadminKey(p)) : Optional.empty();
        this.broadcastBatchSize = p.containsKey(BROADCAST_BATCH) ? (int) Math.min(positiveLong(p, BROADCAST_BATCH), 100_000) : 1000;
        this.extraTrustAnchors = trustAnchors(p.getProperty(SMIME_TRUST_ANCHORS, "").trim());
        this.crlMaxAge = java.time.Duration.ofSeconds(p.containsKey(CRL_MAX_AGE) ? nonNegativeLong(p, CRL_MAX_AGE) : 300);
        this.rejectCityFrom = bool(p, REJECT_CITY_FROM, true);
        this.login = org.civicmail.login.LoginPolicySettings.parse(p, file());
        this.caKeyAlgorithm = keyAlgorithm(p, CA_KEY_ALGORITHM);
        if (caKeyAlgorithm == KeyAlgorithm.RSA_2048) {
            throw new ConfigException(CA_KEY_ALGORITHM + " = rsa-2048 in " + file() + ": the CA's own keys sign for the life of every"
                + " certificate below them; use ec-p256 (default) or rsa-3072");
        }
        this.subscriberKeys = new EnumMap<>(KeyUse.class);
        for (KeyUse use : KeyUse.values()) {
            subscriberKeys.put(use, KeyAlgorithm.EC_P256);
        }
        for (String key : p.stringPropertyNames()) {
            if (key.startsWith(SUBSCRIBER_KEY_PREFIX)) {
                try {
                    subscriberKeys.put(KeyUse.parse(key, key.substring(SUBSCRIBER_KEY_PREFIX.length())), keyAlgorithm(p, key));
                } catch (org.civicmail.ca.InvalidInputException e) {
                    throw new ConfigException(e.getMessage() + " (in " + file() + ")");
                }
            }
        }
        this.caBaseUrl = Optional.ofNullable(p.getProperty(CA_BASE_URL)).map(String::trim).filter(s -> !s.isEmpty());
        caBaseUrl.ifPresent(url -> {
            if (!url.matches("http://[^/\\s]+(:\\d+)?")) {
                throw new ConfigException(CA_BASE_URL + " = " + url + " in " + file()
                    + " must be an http:// URL without a path, e.g. http://ca.hangzhou.example:8088 (relying parties fetch CRLs and OCSP over plain HTTP)");
            }
        });
    }

    /** Reads {@code confDir/civicmail.properties}, then applies {@code overrides} (used by tests and the CLI). */
    public static CivicMailConfig load(Path confDir, Map<String, String> overrides) {
        Path file = confDir.resolve(FILE_NAME);
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new ConfigException("cannot read " + file.toAbsolutePath()
                + " (" + e.getMessage() + "); pass --conf DIR pointing at a directory holding " + FILE_NAME, e);
        }
        properties.putAll(overrides);
        return new CivicMailConfig(confDir.toAbsolutePath(), properties);
    }

    private String file() {
        return confDir.resolve(FILE_NAME).toString();
    }

    private KeyAlgorithm keyAlgorithm(Properties p, String key) {
        String value = p.getProperty(key, "ec-p256").trim();
        try {
            return KeyAlgorithm.parse(key + " in " + file(), value);
        } catch (org.civicmail.ca.InvalidInputException e) {
            throw new ConfigException(e.getMessage());
        }
    }

    private String required(Properties p, String key) {
        String value = p.getProperty(key);
        if (value == null || value.isBlank()) {
            throw new ConfigException(key + " is missing in " + file() + "; see README.md, Configuration keys");
        }
        return value.trim();
    }

    /** The WebAdmin token key, checked now: a WebAdmin that cannot verify tokens must not start at all. */
    private Path webadminKey(Properties p) {
        String name = p.getProperty(WEBADMIN_JWT_PUBLIC_KEY, "").trim();
        if (name.isEmpty()) {
            throw new ConfigException(WEBADMIN_ENABLED + " = true in " + file() + " needs " + WEBADMIN_JWT_PUBLIC_KEY
                + ": the PEM file (relative to " + confDir + ") of the RSA public key that signs WebAdmin tokens"
                + " (e.g. `openssl genpkey -algorithm RSA -out webadmin.key && openssl pkey -in webadmin.key -pubout"
                + " -out webadmin-jwt.pub`); WebAdmin never runs without authentication");
        }
        Path path = confDir.resolve(name).toAbsolutePath().normalize();
        try {
            String pem = Files.readString(path, StandardCharsets.US_ASCII);
            String base64 = pem.replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "").replaceAll("\\s", "");
            java.security.KeyFactory.getInstance("RSA")
                .generatePublic(new java.security.spec.X509EncodedKeySpec(java.util.Base64.getDecoder().decode(base64)));
        } catch (IOException | IllegalArgumentException | java.security.GeneralSecurityException e) {
            throw new ConfigException(WEBADMIN_JWT_PUBLIC_KEY + " = " + name + " in " + file() + ": " + path
                + " is not a readable PEM RSA public key (-----BEGIN PUBLIC KEY-----) (" + e.getMessage() + ")", e);
        }
        return path;
    }

    private int port(Properties p, String key) {
        long port = nonNegativeLong(p, key);
        if (port > 65535) {
            throw new ConfigException(key + " = " + port + " in " + file() + " is not a TCP port; use 0 (any free port) to 65535");
        }
        return (int) port;
    }

    private long positiveLong(Properties p, String key) {
        long value = nonNegativeLong(p, key);
        if (value == 0) {
            throw new ConfigException(key + " in " + file() + " must be greater than 0");
        }
        return value;
    }

    /**
     * A boolean key: exactly {@code true} or {@code false} (any case). {@link Boolean#parseBoolean} would read a typo
     * such as {@code ture} as false and silently switch a protection off; here it stops the start instead.
     */
    private boolean bool(Properties p, String key, boolean defaultValue) {
        String raw = p.getProperty(key);
        if (raw == null || raw.isBlank()) {
            return defaultValue;
        }
        return switch (raw.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new ConfigException(key + " = '" + raw.trim() + "' in " + file() + " must be true or false");
        };
    }

    private long nonNegativeLong(Properties p, String key) {
        String raw = required(p, key);
        try {
            long value = Long.parseLong(raw);
            if (value < 0) {
                throw new NumberFormatException();
            }
            return value;
        } catch (NumberFormatException e) {
            throw new ConfigException(key + " = '" + raw + "' in " + file() + " is not a whole number >= 0");
        }
    }

    public Path confDir() {
        return confDir;
    }

    public String bindHost() {
        return bindHost;
    }

    public String hostname() {
        return hostname;
    }

    public int port(Listener listener) {
        return ports.get(listener);
    }

    public String domain(AccountClass accountClass) {
        return domains.get(accountClass);
    }

    /** The class whose domain this is, if the domain belongs to the city. */
    public Optional<AccountClass> classOfDomain(String domain) {
        String wanted = domain.toLowerCase(Locale.ROOT);
        return domains.entrySet().stream().filter(e -> e.getValue().equals(wanted)).map(Map.Entry::getKey).findFirst();
    }

    @Override
    public String domainOf(AccountClass accountClass) {
        return domain(accountClass);
    }

    @Override
    public Optional<AccountClass> classOf(String domain) {
        return classOfDomain(domain);
    }

    public long quotaBytes(AccountClass accountClass) {
        return quotaBytes.get(accountClass);
    }

    public boolean mayWriteOutside(AccountClass accountClass) {
        return outboundAllowed.contains(accountClass);
    }

    public int maxMessageKib() {
        return maxMessageKib;
    }

    private List<X509Certificate> trustAnchors(String file) {
        if (file.isEmpty()) {
            return List.of();
        }
        Path path = confDir.resolve(file);
        try (var in = Files.newInputStream(path)) {
            List<X509Certificate> roots = new ArrayList<>();
            for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                roots.add((X509Certificate) c);
            }
            if (roots.isEmpty()) {
                throw new ConfigException(SMIME_TRUST_ANCHORS + " = " + file + " in " + file() + ": " + path + " holds no PEM certificate");
            }
            return List.copyOf(roots);
        } catch (IOException | java.security.cert.CertificateException e) {
            throw new ConfigException(SMIME_TRUST_ANCHORS + " = " + file + " in " + file() + ": cannot read certificates from "
                + path + " (" + e.getMessage() + "); give a PEM file of root CA certificates", e);
        }
    }

    public java.time.Duration crlMaxAge() {
        return crlMaxAge;
    }

    /** Other CAs' roots trusted for S/MIME besides our own. */
    public List<X509Certificate> extraTrustAnchors() {
        return extraTrustAnchors;
    }

    public int broadcastBatchSize() {
        return broadcastBatchSize;
    }

    /** See {@link #REJECT_CITY_FROM}. */
    public boolean rejectCityFrom() {
        return rejectCityFrom;
    }

    public boolean webmailEnabled() {
        return webmailEnabled;
    }

    /** The login throttle's settings ({@code civicmail.login.*}). */
    public org.civicmail.login.LoginPolicySettings login() {
        return login;
    }

    public int webmailHeapMib() {
        return webmailHeapMib;
    }

    /** Whether James WebAdmin runs (on 127.0.0.1, JWT required). */
    public boolean webadminEnabled() {
        return webadminJwtPublicKey.isPresent();
    }

    /** The RSA public key file WebAdmin verifies bearer tokens with; present exactly when WebAdmin is enabled. */
    public Optional<Path> webadminJwtPublicKey() {
        return webadminJwtPublicKey;
    }

    /** Algorithm of the CA's own keys when they are created ({@value #CA_KEY_ALGORITHM}). */
    public KeyAlgorithm caKeyAlgorithm() {
        return caKeyAlgorithm;
    }

    /** Algorithm of the keys the CA generates, per use ({@value #SUBSCRIBER_KEY_PREFIX}{@code <use>}); P-256 by default. */
    public Map<KeyUse, KeyAlgorithm> subscriberKeys() {
        return Map.copyOf(subscriberKeys);
    }

    public Optional<String> caBaseUrl() {
        return caBaseUrl;
    }

    public Optional<String> relayGateway() {
        return relayGateway;
    }
}

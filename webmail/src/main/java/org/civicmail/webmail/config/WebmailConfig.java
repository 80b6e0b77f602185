package org.civicmail.webmail.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.civicmail.webmail.i18n.Lang;

/**
 * The webmail's configuration, read once from a properties file into typed, cross-checked values.
 * Every key is a constant below; a bad value fails start-up with a message naming the key.
 */
public record WebmailConfig(
        String httpHost, int httpPort,
        Path httpsKeystore, char[] httpsKeystorePassword, boolean clientCertRequested,
        boolean secureCookies,
        String imapHost, int imapPort, TlsMode imapTls,
        String submissionHost, int submissionPort, boolean submissionStartTls,
        Path trustAnchorPem, Path smimeForeignAnchorsPem, boolean revocationCheck,
        String masterUser, char[] masterPassword,
        Lang defaultLang, ZoneId zone, int pageSize, String officialDomain,
        java.util.List<String> cityDomains, String reportAddress, String frontEndKey,
        int sessionsPerAccount, int sessionsTotal, Path preferencesFile) {

    /** HTTP listen address. Default 127.0.0.1. */
    public static final String HTTP_HOST = "webmail.http.host";
    /** HTTP(S) port; 0 picks any free port. Default 8080. */
    public static final String HTTP_PORT = "webmail.http.port";
    /** PKCS#12 keystore with the TLS key and certificate; when set the webmail serves HTTPS only. */
    public static final String HTTPS_KEYSTORE = "webmail.https.keystore";
    /** Name of the environment variable holding the keystore password. Default WEBMAIL_KEYSTORE_PASSWORD. */
    public static final String HTTPS_KEYSTORE_PASSWORD_ENV = "webmail.https.keystore.password-env";
    /** true: ask browsers for a client certificate (optional), enabling certificate login. Default false. */
    public static final String HTTPS_CLIENT_AUTH = "webmail.https.client-auth";
    /** Mark session cookies Secure. Default true (browsers accept Secure cookies from http://localhost). */
    public static final String COOKIE_SECURE = "webmail.cookie.secure";
    public static final String IMAP_HOST = "webmail.imap.host";
    public static final String IMAP_PORT = "webmail.imap.port";
    /** none | starttls | tls. Default starttls. */
    public static final String IMAP_TLS = "webmail.imap.tls";
    public static final String SUBMISSION_HOST = "webmail.submission.host";
    /** Default 587. */
    public static final String SUBMISSION_PORT = "webmail.submission.port";
    /** Require STARTTLS on submission. Default true. */
    public static final String SUBMISSION_STARTTLS = "webmail.submission.starttls";
    /** PEM file with our root CA certificate(s): trusted for TLS to the mail server and for S/MIME. */
    public static final String TRUST_ANCHOR = "webmail.trust-anchor";
    /**
     * PEM file with other CAs' roots trusted for S/MIME signatures only (not for TLS or certificate login). Optional.
     * {@code civicmail start} writes it from the server's {@code civicmail.smime.trust-anchors}, so the webmail's
     * panel and the server's verdict header trust the same CAs.
     */
    public static final String SMIME_FOREIGN_ANCHORS = "webmail.smime.foreign-anchors";
    /** Ask OCSP (AIA URL), else CRL (CRL DP URL) when verifying signatures and client certificates. Default true. */
    public static final String REVOCATION_CHECK = "webmail.revocation.check";
    /** IMAP admin account allowed to log in for another user (SASL PLAIN authzid); enables certificate login. */
    public static final String MASTER_USER = "webmail.imap.master-user";
    /** Environment variable holding the master user's password. Default WEBMAIL_MASTER_PASSWORD. */
    public static final String MASTER_PASSWORD_ENV = "webmail.imap.master-password-env";
    /** zh | en. Default zh. */
    public static final String DEFAULT_LANG = "webmail.lang.default";
    /** Signed-in sessions one account may hold; a further login ends its least recently used. Default 5. */
    public static final String SESSIONS_PER_ACCOUNT = "webmail.sessions.max-per-account";
    /** Signed-in sessions in all; a further login ends the least recently used. Default 10000. */
    public static final String SESSIONS_TOTAL = "webmail.sessions.max-total";
    /**
     * Environment variable holding the mail server's front-end key; with it, each password login tells IMAP the
     * browser's address (IMAP ID), so the server's login throttle counts browsers, not the webmail. Unset: none.
     */
    public static final String FRONT_END_KEY_ENV = "webmail.imap.front-end-key-env";
    /** Time zone for dates. Default Asia/Shanghai. */
    public static final String ZONE = "webmail.zone";
    /** Messages per list page. Default 25. */
    public static final String PAGE_SIZE = "webmail.page-size";
    /** Mail domain of official senders; unsigned mail From it is flagged even without the server header. */
    public static final String OFFICIAL_DOMAIN = "webmail.official-domain";

    /**
     * The city's mail domains, comma separated (subdomains included): replying to an address outside them asks
     * for confirmation, and a Reply-To outside them is warned about. Default: the official domain only.
     */
    public static final String CITY_DOMAINS = "webmail.city-domains";
    /** Address of the city's administrators that "举报" (report) notifies, with the message attached. Optional. */
    public static final String REPORT_ADDRESS = "webmail.report-address";

    /** Properties file for per-account preferences (large-text mode). Optional: without it they last until restart. */
    public static final String PREFERENCES = "webmail.preferences";

    public enum TlsMode { NONE, STARTTLS, TLS }

    public boolean https() { return httpsKeystore != null; }

    public boolean certificateLogin() { return https() && clientCertRequested && masterUser != null; }

    public static WebmailConfig load(Path file) throws IOException {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        }
        return from(p, System.getenv(), file.toAbsolutePath().getParent());
    }

    /** @param base directory relative paths are resolved against */
    public static WebmailConfig from(Properties p, Map<String, String> env, Path base) {
        Path keystore = path(p, HTTPS_KEYSTORE, base);
        char[] ksPassword = null;
        if (keystore != null) {
            String envName = p.getProperty(HTTPS_KEYSTORE_PASSWORD_ENV, "WEBMAIL_KEYSTORE_PASSWORD");
            String pw = env.get(envName);
            if (pw == null) {
                throw new IllegalArgumentException(HTTPS_KEYSTORE + " is set but environment variable " + envName
                        + " (named by " + HTTPS_KEYSTORE_PASSWORD_ENV + ") is not; export the keystore password");
            }
            ksPassword = pw.toCharArray();
            if (!Files.isReadable(keystore)) {
                throw new IllegalArgumentException(HTTPS_KEYSTORE + "=" + keystore + ": file not readable");
            }
        }
        boolean clientAuth = bool(p, HTTPS_CLIENT_AUTH, false);
        if (clientAuth && keystore == null) {
            throw new IllegalArgumentException(HTTPS_CLIENT_AUTH + "=true needs HTTPS: set " + HTTPS_KEYSTORE);
        }
        String imapHost = required(p, IMAP_HOST);
        TlsMode tls;
        try {
            tls = TlsMode.valueOf(p.getProperty(IMAP_TLS, "starttls").trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(IMAP_TLS + "=" + p.getProperty(IMAP_TLS) + ": use none, starttls or tls");
        }
        int imapPort = port(p, IMAP_PORT, tls == TlsMode.TLS ? 993 : 143);
        String master = blankToNull(p.getProperty(MASTER_USER));
        char[] masterPw = null;
        if (master != null) {
            String envName = p.getProperty(MASTER_PASSWORD_ENV, "WEBMAIL_MASTER_PASSWORD");
            String pw = env.get(envName);
            if (pw == null) {
                throw new IllegalArgumentException(MASTER_USER + " is set but environment variable " + envName
                        + " (named by " + MASTER_PASSWORD_ENV + ") is not; export the master user's password");
            }
            masterPw = pw.toCharArray();
        }
        Path anchor = path(p, TRUST_ANCHOR, base);
        if (anchor != null && !Files.isReadable(anchor)) {
            throw new IllegalArgumentException(TRUST_ANCHOR + "=" + anchor + ": file not readable");
        }
        Path foreignAnchors = path(p, SMIME_FOREIGN_ANCHORS, base);
        if (foreignAnchors != null && !Files.isReadable(foreignAnchors)) {
            throw new IllegalArgumentException(SMIME_FOREIGN_ANCHORS + "=" + foreignAnchors + ": file not readable");
        }
        if (clientAuth && anchor == null) {
            throw new IllegalArgumentException(HTTPS_CLIENT_AUTH + "=true needs " + TRUST_ANCHOR
                    + " to check client certificates");
        }
        String frontEndKey = null;
        String keyEnv = blankToNull(p.getProperty(FRONT_END_KEY_ENV));
        if (keyEnv != null) {
            frontEndKey = blankToNull(env.get(keyEnv));
            if (frontEndKey == null) {
                throw new IllegalArgumentException(FRONT_END_KEY_ENV + "=" + keyEnv + " but that environment variable is "
                        + "not set; export the server's front-end key or remove the key");
            }
        }
        int perAccount = integer(p, SESSIONS_PER_ACCOUNT, 5);
        int total = integer(p, SESSIONS_TOTAL, 10_000);
        if (perAccount < 1 || perAccount > 100) {
            throw new IllegalArgumentException(SESSIONS_PER_ACCOUNT + "=" + perAccount + ": use 1..100");
        }
        if (total < perAccount || total > 1_000_000) {
            throw new IllegalArgumentException(SESSIONS_TOTAL + "=" + total + ": use " + SESSIONS_PER_ACCOUNT
                    + " (" + perAccount + ") .. 1000000");
        }
        int pageSize = integer(p, PAGE_SIZE, 25);
        if (pageSize < 1 || pageSize > 200) {
            throw new IllegalArgumentException(PAGE_SIZE + "=" + pageSize + ": use 1..200");
        }
        ZoneId zone;
        try {
            zone = ZoneId.of(p.getProperty(ZONE, "Asia/Shanghai").trim());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(ZONE + "=" + p.getProperty(ZONE) + ": not a time zone id such as Asia/Shanghai");
        }
        return new WebmailConfig(
                p.getProperty(HTTP_HOST, "127.0.0.1").trim(), port(p, HTTP_PORT, 8080),
                keystore, ksPassword, clientAuth, bool(p, COOKIE_SECURE, true),
                imapHost, imapPort, tls,
                p.getProperty(SUBMISSION_HOST, imapHost).trim(), port(p, SUBMISSION_PORT, 587),
                bool(p, SUBMISSION_STARTTLS, true),
                anchor, foreignAnchors, bool(p, REVOCATION_CHECK, true), master, masterPw,
                Lang.fromCode(p.getProperty(DEFAULT_LANG, "zh"), Lang.ZH), zone, pageSize,
                blankToNull(p.getProperty(OFFICIAL_DOMAIN)), cityDomains(p), reportAddress(p), frontEndKey,
                perAccount, total, preferences(p, base));
    }

    private static Path preferences(Properties p, Path base) {
        Path file = path(p, PREFERENCES, base);
        if (file != null && (file.getParent() == null || !Files.isDirectory(file.toAbsolutePath().getParent()))) {
            throw new IllegalArgumentException(PREFERENCES + "=" + file + ": its directory does not exist; create it or "
                    + "point the key at a file in an existing directory");
        }
        return file;
    }

    private static java.util.List<String> cityDomains(Properties p) {
        String v = blankToNull(p.getProperty(CITY_DOMAINS));
        if (v == null) {
            String official = blankToNull(p.getProperty(OFFICIAL_DOMAIN));
            return official == null ? java.util.List.of() : java.util.List.of(official.toLowerCase(Locale.ROOT));
        }
        java.util.List<String> out = new java.util.ArrayList<>();
        for (String d : v.split(",")) {
            String domain = d.trim().toLowerCase(Locale.ROOT);
            if (!domain.matches("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+")) {
                throw new IllegalArgumentException(CITY_DOMAINS + "=" + v + ": '" + d.trim()
                        + "' is not a domain name; list domains separated by commas, e.g. hangzhou.example,hz.example");
            }
            out.add(domain);
        }
        return java.util.List.copyOf(out);
    }

    private static String reportAddress(Properties p) {
        String v = blankToNull(p.getProperty(REPORT_ADDRESS));
        if (v != null && !v.matches("[^@\\s,;<>]+@[^@\\s,;<>]+\\.[^@\\s,;<>]+")) {
            throw new IllegalArgumentException(REPORT_ADDRESS + "=" + v + ": not a single e-mail address such as abuse@gov.example");
        }
        return v;
    }

    private static String required(Properties p, String key) {
        String v = blankToNull(p.getProperty(key));
        if (v == null) {
            throw new IllegalArgumentException("missing required key " + key);
        }
        return v;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    private static Path path(Properties p, String key, Path base) {
        String v = blankToNull(p.getProperty(key));
        if (v == null) {
            return null;
        }
        Path path = Path.of(v);
        return path.isAbsolute() || base == null ? path : base.resolve(path);
    }

    private static boolean bool(Properties p, String key, boolean dflt) {
        String v = blankToNull(p.getProperty(key));
        if (v == null) {
            return dflt;
        }
        if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(v);
        }
        throw new IllegalArgumentException(key + "=" + v + ": use true or false");
    }

    private static int integer(Properties p, String key, int dflt) {
        String v = blankToNull(p.getProperty(key));
        if (v == null) {
            return dflt;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + "=" + v + ": not a number");
        }
    }

    private static int port(Properties p, String key, int dflt) {
        int port = integer(p, key, dflt);
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(key + "=" + port + ": use 0..65535 (0 = any free port)");
        }
        return port;
    }
}

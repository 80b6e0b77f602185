package org.civicmail.webmail.imap;

import jakarta.mail.MessagingException;
import jakarta.mail.Provider;
import jakarta.mail.Session;
import jakarta.mail.Store;
import java.util.Properties;
import javax.net.ssl.SSLSocketFactory;
import org.civicmail.webmail.config.WebmailConfig;

/**
 * Opens IMAP connections to the mail server: with the user's own password, or (for certificate login) as the
 * configured master user acting for the user through the SASL PLAIN authorization id. Thread-safe.
 */
public class ImapConnector {

    private final WebmailConfig config;
    private final SSLSocketFactory tls;

    /** @param tls socket factory trusting our root CA, or {@code null} for the JVM default trust store */
    public ImapConnector(WebmailConfig config, SSLSocketFactory tls) {
        this.config = config;
        this.tls = tls;
    }

    /** Creating a Session scans the class path for provider files, so the parsing session is made once. */
    private static final Session PARSING = Session.getInstance(new Properties());

    /** Plain session for parsing raw messages; no connection. Thread-safe. */
    public static Session parsingSession() {
        return PARSING;
    }

    public Store connect(String user, String password) throws MessagingException {
        Store store = session(null).getStore(protocol());
        store.connect(config.imapHost(), config.imapPort(), user, password);
        return store;
    }

    /**
     * A browser's password login from {@code clientAddress}: with the server's front-end key configured, the
     * server throttles that address (IMAP ID before LOGIN) rather than the webmail's own.
     */
    public Store connect(String user, String password, String clientAddress) throws MessagingException {
        if (config.frontEndKey() == null || clientAddress == null) {
            return connect(user, password);
        }
        Session session = session(null);
        session.getProperties().put(ForwardingImapStore.ADDRESS_PROPERTY, clientAddress);
        session.getProperties().put(ForwardingImapStore.KEY_PROPERTY, config.frontEndKey());
        boolean ssl = config.imapTls() == WebmailConfig.TlsMode.TLS;
        session.setProvider(new Provider(Provider.Type.STORE, protocol(), ssl
                ? ForwardingImapStore.Ssl.class.getName() : ForwardingImapStore.class.getName(), "CivicMail", "1"));
        Store store = session.getStore(protocol());
        store.connect(config.imapHost(), config.imapPort(), user, password);
        return store;
    }

    /** Logs in as {@code user} with the master user's credentials; only when a master user is configured. */
    public Store connectAs(String user) throws MessagingException {
        if (config.masterUser() == null) {
            throw new IllegalStateException("certificate login needs " + WebmailConfig.MASTER_USER);
        }
        Session session = session(user);
        boolean ssl = config.imapTls() == WebmailConfig.TlsMode.TLS;
        Provider guarded = new Provider(Provider.Type.STORE, protocol(), ssl
                ? ImpersonatingImapStore.Ssl.class.getName() : ImpersonatingImapStore.class.getName(), "CivicMail", "1");
        session.setProvider(guarded);
        Store store = session.getStore(protocol());
        store.connect(config.imapHost(), config.imapPort(), config.masterUser(), new String(config.masterPassword()));
        return store;
    }

    private String protocol() {
        return config.imapTls() == WebmailConfig.TlsMode.TLS ? "imaps" : "imap";
    }

    private Session session(String authorizationId) {
        String p = "mail." + protocol() + ".";
        Properties props = new Properties();
        props.put(p + "connectiontimeout", "10000");
        props.put(p + "timeout", "30000");
        props.put(p + "writetimeout", "30000");
        props.put(p + "partialfetch", "false");
        if (config.imapTls() == WebmailConfig.TlsMode.STARTTLS) {
            props.put(p + "starttls.enable", "true");
            props.put(p + "starttls.required", "true");
        }
        if (config.imapTls() != WebmailConfig.TlsMode.NONE) {
            props.put(p + "ssl.checkserveridentity", "true");
            if (tls != null) {
                props.put(p + "ssl.socketFactory", tls);
            }
        }
        if (authorizationId != null) {
            // Angus sends "authzid \0 master \0 password" with AUTHENTICATE PLAIN.
            props.put(p + "sasl.authorizationid", authorizationId);
            props.put(p + "auth.mechanisms", "PLAIN");
            props.put(p + "auth.login.disable", "true");
        }
        return Session.getInstance(props);
    }
}

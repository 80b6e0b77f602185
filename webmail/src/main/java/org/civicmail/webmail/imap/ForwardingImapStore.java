package org.civicmail.webmail.imap;

import jakarta.mail.Session;
import jakarta.mail.URLName;
import java.util.Map;
import org.eclipse.angus.mail.iap.ProtocolException;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.eclipse.angus.mail.imap.protocol.IMAPProtocol;

/**
 * IMAP store for a browser's password login: before LOGIN it tells the server, with IMAP ID and the server's
 * front-end key, which address the browser connects from, so the server's login throttle counts that browser
 * and not the webmail's own address.
 */
public class ForwardingImapStore extends IMAPStore {
    static final String ADDRESS_PROPERTY = "civicmail.originating-ip";
    static final String KEY_PROPERTY = "civicmail.front-end-key";

    public ForwardingImapStore(Session session, URLName url) {
        this(session, url, "imap", false);
    }

    protected ForwardingImapStore(Session session, URLName url, String protocol, boolean ssl) {
        super(session, url, protocol, ssl);
    }

    @Override
    protected void preLogin(IMAPProtocol p) throws ProtocolException {
        String address = session.getProperty(ADDRESS_PROPERTY);
        String key = session.getProperty(KEY_PROPERTY);
        if (address != null && key != null && p.hasCapability("ID")) {
            p.id(Map.of("name", "civicmail-webmail", "x-originating-ip", address, "x-civicmail-front-end-key", key));
        }
        super.preLogin(p);
    }

    /** The implicit-TLS (imaps) variant. */
    public static final class Ssl extends ForwardingImapStore {
        public Ssl(Session session, URLName url) {
            super(session, url, "imaps", true);
        }
    }
}

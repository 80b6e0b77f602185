package org.civicmail.webmail.imap;

import jakarta.mail.Session;
import jakarta.mail.URLName;
import org.eclipse.angus.mail.iap.ProtocolException;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.eclipse.angus.mail.imap.protocol.IMAPProtocol;

/**
 * IMAP store for master-user logins. Angus would fall back to a plain LOGIN as the master user when the server
 * offers no AUTH=PLAIN, which would open the master's own mailbox; this store refuses to log in instead.
 */
public class ImpersonatingImapStore extends IMAPStore {

    public ImpersonatingImapStore(Session session, URLName url) {
        this(session, url, "imap", false);
    }

    protected ImpersonatingImapStore(Session session, URLName url, String protocol, boolean ssl) {
        super(session, url, protocol, ssl);
    }

    @Override
    protected void preLogin(IMAPProtocol p) throws ProtocolException {
        if (!p.hasCapability("AUTH=PLAIN")) {
            throw new ProtocolException("IMAP server offers no AUTH=PLAIN, so the master user cannot act for "
                    + "another account; enable SASL PLAIN with authorization id (impersonation) on the server");
        }
        super.preLogin(p);
    }

    /** The implicit-TLS (imaps) variant. */
    public static final class Ssl extends ImpersonatingImapStore {
        public Ssl(Session session, URLName url) {
            super(session, url, "imaps", true);
        }
    }
}

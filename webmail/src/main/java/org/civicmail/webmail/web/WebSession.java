package org.civicmail.webmail.web;

import java.time.Instant;
import org.civicmail.webmail.i18n.Lang;
import org.civicmail.webmail.imap.MailboxAccess;

/**
 * One browser session. A signed-in session lives in the {@link SessionStore}; before login a visitor gets a
 * transient anonymous one per request, never stored, whose CSRF token is the signed pre-login token of its
 * cookie ({@link PreLoginCsrf}). Fields other than {@code lastSeen} and {@code lang} are fixed at creation.
 */
public final class WebSession {

    private final String id;
    private final String csrfToken;
    private final String user;
    private final String password;
    private final MailboxAccess mailbox;
    private final Instant created;
    private volatile Lang lang;
    private volatile Instant lastSeen;

    WebSession(String id, String csrfToken, String user, String password, MailboxAccess mailbox, Lang lang, Instant now) {
        this.id = id;
        this.csrfToken = csrfToken;
        this.user = user;
        this.password = password;
        this.mailbox = mailbox;
        this.lang = lang;
        this.created = now;
        this.lastSeen = now;
    }

    /** A visitor before login: not stored anywhere, gone with the request. */
    static WebSession anonymous(String preLoginCsrfToken, Lang lang, Instant now) {
        return new WebSession(null, preLoginCsrfToken, null, null, null, lang, now);
    }

    /** @return the session id, or {@code null} for an anonymous visitor (who has no stored session) */
    public String id() { return id; }

    public String csrfToken() { return csrfToken; }

    /** @return the signed-in address, or {@code null} for an anonymous session */
    public String user() { return user; }

    public boolean signedIn() { return user != null; }

    /** The user's password for submission, or {@code null} after certificate login (master user submits). */
    public String password() { return password; }

    public MailboxAccess mailbox() { return mailbox; }

    public Lang lang() { return lang; }

    public void lang(Lang lang) { this.lang = lang; }

    Instant created() { return created; }

    Instant lastSeen() { return lastSeen; }

    void touch(Instant now) { this.lastSeen = now; }
}

package org.civicmail.webmail.web;

import java.time.Instant;
import org.civicmail.webmail.i18n.Lang;
import org.civicmail.webmail.imap.MailboxAccess;

/**
 * One browser session. Anonymous until login; login replaces it with a fresh one (new id, new CSRF token).
 * Fields other than {@code lastSeen} and {@code lang} are fixed at creation.
 */
public final class WebSession {

    private final String id;
    private final String csrfToken;
    private final String user;
    private final String password;
    private final MailboxAccess mailbox;
    private volatile Lang lang;
    private volatile Instant lastSeen;

    WebSession(String id, String csrfToken, String user, String password, MailboxAccess mailbox, Lang lang, Instant now) {
        this.id = id;
        this.csrfToken = csrfToken;
        this.user = user;
        this.password = password;
        this.mailbox = mailbox;
        this.lang = lang;
        this.lastSeen = now;
    }

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

    Instant lastSeen() { return lastSeen; }

    void touch(Instant now) { this.lastSeen = now; }
}

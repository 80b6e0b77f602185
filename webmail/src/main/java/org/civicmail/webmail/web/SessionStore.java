package org.civicmail.webmail.web;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.civicmail.webmail.i18n.Lang;
import org.civicmail.webmail.imap.MailboxAccess;

/**
 * In-memory sessions keyed by a 256-bit random id. Idle sessions expire (their IMAP connection is closed).
 * Thread-safe.
 */
public final class SessionStore {

    static final Duration SIGNED_IN_IDLE = Duration.ofMinutes(30);
    static final Duration ANONYMOUS_IDLE = Duration.ofMinutes(15);
    static final int MAX_ANONYMOUS = 20_000;

    private final SecureRandom random = new SecureRandom();
    private final Map<String, WebSession> sessions = new ConcurrentHashMap<>();
    private final Clock clock;

    public SessionStore(Clock clock) {
        this.clock = clock;
    }

    public WebSession get(String id) {
        if (id == null) {
            return null;
        }
        WebSession s = sessions.get(id);
        if (s == null) {
            return null;
        }
        Instant now = clock.instant();
        if (expired(s, now)) {
            remove(s);
            return null;
        }
        s.touch(now);
        return s;
    }

    public WebSession anonymous(Lang lang) {
        if (sessions.size() > MAX_ANONYMOUS) {
            expireIdle();
        }
        return put(null, null, null, lang);
    }

    /** @param password kept for SMTP submission; {@code null} after certificate login */
    public WebSession signedIn(String user, String password, MailboxAccess mailbox, Lang lang) {
        return put(user, password, mailbox, lang);
    }

    private WebSession put(String user, String password, MailboxAccess mailbox, Lang lang) {
        WebSession s = new WebSession(token(), token(), user, password, mailbox, lang, clock.instant());
        sessions.put(s.id(), s);
        return s;
    }

    public void remove(WebSession s) {
        if (sessions.remove(s.id()) != null && s.mailbox() != null) {
            s.mailbox().close();
        }
    }

    /** Drops idle sessions; called periodically. */
    public void expireIdle() {
        Instant now = clock.instant();
        sessions.values().stream().filter(s -> expired(s, now)).toList().forEach(this::remove);
    }

    public void closeAll() {
        sessions.values().stream().toList().forEach(this::remove);
    }

    private static boolean expired(WebSession s, Instant now) {
        Duration idle = s.signedIn() ? SIGNED_IN_IDLE : ANONYMOUS_IDLE;
        return s.lastSeen().plus(idle).isBefore(now);
    }

    private String token() {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}

package org.civicmail.webmail.web;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.civicmail.webmail.i18n.Lang;
import org.civicmail.webmail.imap.MailboxAccess;

/**
 * Signed-in sessions only, keyed by a 256-bit random id: a visitor who has not logged in costs no memory here.
 * At most {@code maxPerAccount} sessions per account and {@code maxTotal} in all; a new login beyond either cap
 * ends the least recently used session first. Idle sessions expire. Ending a session closes its IMAP connection.
 * Thread-safe (creation and eviction under one lock; look-ups lock-free).
 */
public final class SessionStore {

    static final Duration SIGNED_IN_IDLE = Duration.ofMinutes(30);

    private final SecureRandom random = new SecureRandom();
    private final Map<String, WebSession> sessions = new ConcurrentHashMap<>();
    private final Clock clock;
    private final int maxPerAccount;
    private final int maxTotal;

    public SessionStore(Clock clock, int maxPerAccount, int maxTotal) {
        if (maxPerAccount < 1 || maxTotal < maxPerAccount) {
            throw new IllegalArgumentException("session caps: need 1 <= per-account (" + maxPerAccount
                    + ") <= total (" + maxTotal + ")");
        }
        this.clock = clock;
        this.maxPerAccount = maxPerAccount;
        this.maxTotal = maxTotal;
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

    /**
     * A new signed-in session, ending the account's (or everyone's) least recently used one beyond the caps.
     * @param password kept for SMTP submission; {@code null} after certificate login
     */
    public WebSession signedIn(String user, String password, MailboxAccess mailbox, Lang lang) {
        WebSession s = new WebSession(token(), token(), user, password, mailbox, lang, clock.instant());
        synchronized (this) {
            List<WebSession> mine = sessionsOf(user);
            if (mine.size() >= maxPerAccount) {
                leastRecentlyUsed(mine).ifPresent(this::remove);
            }
            if (sessions.size() >= maxTotal) {
                leastRecentlyUsed(List.copyOf(sessions.values())).ifPresent(this::remove);
            }
            sessions.put(s.id(), s);
        }
        return s;
    }

    public void remove(WebSession s) {
        if (s.id() != null && sessions.remove(s.id()) != null && s.mailbox() != null) {
            s.mailbox().close();
        }
    }

    /** Ends every session of {@code user} (the account was disabled); @return how many */
    public int endSessionsOf(String user) {
        List<WebSession> mine = sessionsOf(user);
        mine.forEach(this::remove);
        return mine.size();
    }

    /** Signed-in sessions held now (what the caps bound). */
    public int liveCount() {
        return sessions.size();
    }

    /** Drops idle sessions; called periodically. */
    public void expireIdle() {
        Instant now = clock.instant();
        sessions.values().stream().filter(s -> expired(s, now)).toList().forEach(this::remove);
    }

    public void closeAll() {
        sessions.values().stream().toList().forEach(this::remove);
    }

    private List<WebSession> sessionsOf(String user) {
        String u = user.toLowerCase(Locale.ROOT);
        return sessions.values().stream().filter(s -> s.user().toLowerCase(Locale.ROOT).equals(u)).toList();
    }

    private static Optional<WebSession> leastRecentlyUsed(List<WebSession> candidates) {
        return candidates.stream().min(Comparator.comparing(WebSession::lastSeen).thenComparing(WebSession::created));
    }

    private static boolean expired(WebSession s, Instant now) {
        return s.lastSeen().plus(SIGNED_IN_IDLE).isBefore(now);
    }

    private String token() {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}

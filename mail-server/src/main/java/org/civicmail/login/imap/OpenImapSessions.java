package org.civicmail.login.imap;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;

import javax.inject.Singleton;

import org.apache.james.imap.api.ImapSessionState;
import org.apache.james.imap.api.process.ImapSession;

/**
 * The open IMAP sessions of each account, so that disabling an account ends them. Held weakly: a session that
 * closes on its own simply disappears. Thread-safe.
 */
@Singleton
public class OpenImapSessions {
    private final Map<String, Set<ImapSession>> byAccount = new HashMap<>();

    synchronized void add(String account, ImapSession session) {
        byAccount.computeIfAbsent(account.toLowerCase(Locale.ROOT), k -> Collections.newSetFromMap(new WeakHashMap<>()))
            .add(session);
    }

    /**
     * Logs out every open session of {@code account}: each then answers nothing but LOGOUT.
     * @return how many were ended
     */
    public int endAll(String account) {
        List<ImapSession> sessions;
        synchronized (this) {
            Set<ImapSession> set = byAccount.remove(account.toLowerCase(Locale.ROOT));
            sessions = set == null ? new ArrayList<>() : new ArrayList<>(set);
        }
        // A session whose client went away is logged out already (it lingers here until collected).
        sessions.removeIf(s -> s.getState() == ImapSessionState.LOGOUT || s.getState() == ImapSessionState.NON_AUTHENTICATED);
        sessions.forEach(s -> s.logout().block());
        return sessions.size();
    }
}

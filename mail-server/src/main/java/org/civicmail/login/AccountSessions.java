package org.civicmail.login;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import javax.inject.Inject;
import javax.inject.Singleton;

import org.civicmail.login.imap.OpenImapSessions;

/**
 * Ends everything an account has open when it is disabled: its IMAP sessions here, and (when the webmail runs)
 * its webmail sessions in the webmail's process. Thread-safe.
 */
@Singleton
public class AccountSessions {
    private final OpenImapSessions imap;
    private final List<Consumer<String>> others = new CopyOnWriteArrayList<>();

    @Inject
    public AccountSessions(OpenImapSessions imap) {
        this.imap = imap;
    }

    /** Another place that holds sessions (the webmail) asks to be told. */
    public void onEnd(Consumer<String> ender) {
        others.add(ender);
    }

    /** @return the number of IMAP sessions ended (the others answer asynchronously) */
    public int endAll(String address) {
        int ended = imap.endAll(address);
        others.forEach(o -> o.accept(address));
        return ended;
    }
}

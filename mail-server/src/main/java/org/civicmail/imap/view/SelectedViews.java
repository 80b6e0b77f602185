package org.civicmail.imap.view;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import javax.inject.Singleton;

import org.apache.james.events.Event;
import org.apache.james.events.EventBus;
import org.apache.james.events.EventBusName;
import org.apache.james.events.EventListener;
import org.apache.james.events.Group;
import org.apache.james.events.GroupAlreadyRegistered;
import org.apache.james.events.Registration;
import org.apache.james.events.RegistrationKey;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.api.process.SelectedMailbox;
import org.reactivestreams.Publisher;

import reactor.core.publisher.Mono;

/**
 * Wires {@link SelectedView} into James's SELECT and EXAMINE, which build James's folder state themselves: the event
 * bus they are given registers the folder's listener behind an {@link EventGate}, and the session they are given
 * stores the selected folder wrapped in a {@link SelectedView}. One instance serves all sessions.
 */
@Singleton
public final class SelectedViews {
    /** Session attribute: the session's token in {@link RecentClaims}. */
    private static final String CLAIMANT = "org.civicmail.imap.view.RECENT_CLAIMANT";

    /** James's folder state (also its event listener) to its gate, from registration to unregistration. */
    private final Map<Object, EventGate> gates = new ConcurrentHashMap<>();
    private final RecentClaims recent = new RecentClaims();
    /** Checked once at start: without it selected folders keep James's own event handling (no gate). */
    private final Optional<FolderEvents> direct = FolderEvents.detect();

    /** The event bus to give James's selection processors. */
    public EventBus gating(EventBus bus) {
        return new GatingBus(bus);
    }

    /** The session to give James's selection processors for one request; {@code readOnly} for EXAMINE. */
    public ImapSession selecting(ImapSession session, boolean readOnly) {
        Object claimant = session.getAttribute(CLAIMANT);
        if (claimant == null) {
            claimant = new Object();
            session.setAttribute(CLAIMANT, claimant);
        }
        Object sessionClaimant = claimant;
        if (session.getSelected() instanceof SelectedView current) {
            // James keeps the current state when the same folder is selected again (EXAMINE then SELECT).
            current.readOnly(readOnly);
        }
        return (ImapSession) Proxy.newProxyInstance(ImapSession.class.getClassLoader(), new Class<?>[] {ImapSession.class},
            (proxy, method, args) -> {
                if (method.getName().equals("selected") && args != null && args.length == 1
                        && args[0] instanceof SelectedMailbox folder && !(folder instanceof SelectedView)) {
                    return session.selected(new SelectedView(folder, () -> Optional.ofNullable(gates.get(folder)), recent,
                        sessionClaimant, readOnly));
                }
                return invoke(method, session, args);
            });
    }

    /** Folders selected now (for tests and diagnostics). */
    int selectedFolders() {
        return gates.size();
    }

    private static Object invoke(Method method, Object target, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private final class GatingBus implements EventBus {
        private final EventBus bus;

        GatingBus(EventBus bus) {
            this.bus = bus;
        }

        @Override
        public Publisher<Registration> register(EventListener.ReactiveEventListener listener, RegistrationKey key) {
            if (!(listener instanceof SelectedMailbox) || direct.isEmpty() || !direct.get().handles(listener)) {
                return bus.register(listener, key);
            }
            EventGate gate = gates.computeIfAbsent(listener, any -> new EventGate(listener, direct.get()));
            return Mono.from(bus.register(gate, key))
                .map(registration -> (Registration) () -> Mono.from(registration.unregister())
                    .doFinally(signal -> gates.remove(listener)));
        }

        @Override
        public Registration register(EventListener.ReactiveEventListener listener, Group group) throws GroupAlreadyRegistered {
            return bus.register(listener, group);
        }

        @Override
        public Mono<Void> dispatch(Event event, Set<RegistrationKey> keys) {
            return bus.dispatch(event, keys);
        }

        @Override
        public Mono<Void> reDeliver(Group group, Event event) {
            return bus.reDeliver(group, event);
        }

        @Override
        public EventBusName eventBusName() {
            return bus.eventBusName();
        }

        @Override
        public Collection<Group> listRegisteredGroups() {
            return bus.listRegisteredGroups();
        }
    }
}

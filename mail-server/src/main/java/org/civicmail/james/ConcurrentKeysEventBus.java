package org.civicmail.james;

import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import javax.inject.Inject;
import javax.inject.Singleton;

import org.apache.james.events.Event;
import org.apache.james.events.EventBus;
import org.apache.james.events.EventBusName;
import org.apache.james.events.EventListener;
import org.apache.james.events.Group;
import org.apache.james.events.InVMEventBus;
import org.apache.james.events.Registration;
import org.apache.james.events.RegistrationKey;
import org.apache.james.events.delivery.EventDelivery;
import org.reactivestreams.Publisher;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * James's in-memory event bus with key registrations (every selected folder of every IMAP session) kept in
 * concurrent sets, so no event is lost while sessions select and unselect (issue 18).
 * <p>
 * James 3.8.1's {@code InVMEventBus} keeps them in {@code Multimaps.synchronizedSetMultimap} and streams
 * {@code registrations.get(key)} without holding the multimap's lock, which Guava requires for iterating a view. A
 * SELECT or LOGOUT in one session while another session's APPEND or EXPUNGE was being announced threw
 * {@code ConcurrentModificationException}; the bus swallows errors ({@code onErrorResume}), so the event reached
 * no session of that folder: a folder listing a message that was gone (EXISTS n with n-1 messages) or missing one
 * that had arrived, until the next SELECT. Group listeners (quota, search index, annotations) stay on James's bus,
 * which keeps them in a {@code ConcurrentHashMap} and delivers them with its retries and dead letters. Each session
 * listener is wrapped in a {@link StaleAdditionFilter}: announcements travel concurrently and may overtake each other.
 */
@Singleton // one bus: every session registers where every command announces
public final class ConcurrentKeysEventBus implements EventBus {
    private final InVMEventBus groups;
    private final EventDelivery delivery;
    private final ConcurrentHashMap<RegistrationKey, Set<EventListener.ReactiveEventListener>> byKey = new ConcurrentHashMap<>();

    @Inject
    public ConcurrentKeysEventBus(InVMEventBus groups, EventDelivery delivery) {
        this.groups = groups;
        this.delivery = delivery;
    }

    @Override
    public Publisher<Registration> register(EventListener.ReactiveEventListener session, RegistrationKey key) {
        EventListener.ReactiveEventListener listener = new StaleAdditionFilter(session);
        byKey.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(listener);
        return Mono.just(() -> Mono.fromRunnable(() -> byKey.computeIfPresent(key, (k, listeners) -> {
            listeners.remove(listener);
            return listeners.isEmpty() ? null : listeners;
        })));
    }

    @Override
    public Registration register(EventListener.ReactiveEventListener listener, Group group) {
        return groups.register(listener, group);
    }

    @Override
    public Mono<Void> dispatch(Event event, Set<RegistrationKey> keys) {
        if (event.isNoop()) {
            return Mono.empty();
        }
        Mono<Void> keyed = Flux.fromIterable(keys)
            .flatMapIterable(key -> byKey.getOrDefault(key, Set.of()))
            .distinct()
            .flatMap(listener -> delivery.deliver(listener, event, EventDelivery.DeliveryOption.none()), EXECUTION_RATE)
            .then()
            // As James's bus: one failing session listener must not fail the command that caused the event.
            .onErrorResume(e -> Mono.empty());
        return Flux.merge(groups.dispatch(event, Set.of()), keyed).then();
    }

    @Override
    public Mono<Void> reDeliver(Group group, Event event) {
        return groups.reDeliver(group, event);
    }

    @Override
    public EventBusName eventBusName() {
        return groups.eventBusName();
    }

    @Override
    public Collection<Group> listRegisteredGroups() {
        return groups.listRegisteredGroups();
    }
}

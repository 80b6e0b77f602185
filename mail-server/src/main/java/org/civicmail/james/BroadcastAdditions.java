package org.civicmail.james;

import org.apache.james.events.Event;
import org.apache.james.events.EventListener;
import org.apache.james.events.Group;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.events.MailboxEvents.Added;

import reactor.core.publisher.Mono;

/**
 * A group listener of James (quota usage, search index) that leaves out the {@code Added} events of broadcast
 * messages. The broadcast writer stores a batch in one transaction that already adds each message to its owner's
 * quota usage, and it indexes the batch itself through the search index's own listener (so that a message that
 * cannot be indexed is known and reported, and the batch is searchable before it is reported delivered); letting
 * these listeners act on the event as well would count and index every broadcast message twice. Every other event,
 * and every {@code Added} event of James's own appends, goes to the listener unchanged. The writer's events carry
 * {@link #SESSION}, a session id of their own.
 */
public final class BroadcastAdditions implements EventListener.ReactiveGroupEventListener {
    /** The session id of every {@code Added} event the broadcast writer dispatches ("CIVICMAIL-BC" in ASCII, roughly). */
    public static final MailboxSession.SessionId SESSION = MailboxSession.SessionId.of(0x4349_5649_434D_4243L);

    private final EventListener.ReactiveGroupEventListener listener;

    private BroadcastAdditions(EventListener.ReactiveGroupEventListener listener) {
        this.listener = listener;
    }

    /** {@code listener}, except for broadcast messages' {@code Added} events. */
    public static EventListener.ReactiveGroupEventListener leftOutOf(EventListener.ReactiveGroupEventListener listener) {
        return new BroadcastAdditions(listener);
    }

    public static boolean isBroadcastAddition(Event event) {
        return event instanceof Added && SESSION.equals(((Added) event).getSessionId());
    }

    @Override
    public Group getDefaultGroup() {
        return listener.getDefaultGroup();
    }

    @Override
    public boolean isHandling(Event event) {
        return !isBroadcastAddition(event) && listener.isHandling(event);
    }

    @Override
    public Mono<Void> reactiveEvent(Event event) {
        return isBroadcastAddition(event) ? Mono.empty() : Mono.from(listener.reactiveEvent(event));
    }

    @Override
    public ExecutionMode getExecutionMode() {
        return listener.getExecutionMode();
    }
}

package org.civicmail.imap.view;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.james.events.Event;
import org.apache.james.events.EventListener;
import org.apache.james.mailbox.events.MailboxEvents;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Stands between the event bus and James's state of one selected folder ({@code SelectedMailboxImpl}): events are
 * kept until {@link #release()} hands them over, which {@link SelectedView} does only at the moment James tells the
 * client about changes. James applies an added message to its sequence-number map the instant the event arrives, so
 * a FETCH or EXPUNGE could name a sequence number whose EXISTS the client had not been sent, and an addition that
 * arrived while the changes were being reported was forgotten when James reset its "size changed" mark (imaptest:
 * "seq too high").
 */
final class EventGate implements EventListener.ReactiveEventListener {
    private static final Logger LOGGER = LoggerFactory.getLogger(EventGate.class);

    private final EventListener.ReactiveEventListener folder;
    /** Guarded by itself; held only to add or take events, never while James applies them. */
    private final List<Event> pending = new LinkedList<>();
    /** Held while events are handed over, so two hand-overs (a command's, IDLE's) keep the events' order. */
    private final Object handingOver = new Object();
    private final AtomicReference<EventListener.ReactiveEventListener> idle = new AtomicReference<>();
    private final AtomicInteger idleWakeups = new AtomicInteger();

    private final FolderEvents direct;

    EventGate(EventListener.ReactiveEventListener folder, FolderEvents direct) {
        this.folder = folder;
        this.direct = direct;
    }

    @Override
    public Publisher<Void> reactiveEvent(Event event) {
        synchronized (pending) {
            pending.add(event);
        }
        EventListener.ReactiveEventListener idling = idle.get();
        if (idling != null && idling.isHandling(event)) {
            wakeIdle(event);
        }
        return Mono.empty();
    }

    @Override
    public boolean isHandling(Event event) {
        return folder.isHandling(event);
    }

    @Override
    public ExecutionMode getExecutionMode() {
        return folder.getExecutionMode();
    }

    /** Hands James's folder state every event kept so far, in arrival order, and returns once it has applied them. */
    void release() {
        release(event -> true);
    }

    /**
     * Hands over the flag changes only. James takes the list of messages whose flags changed when it builds a
     * command's report, before the command runs, and the rest when the report is sent; flag changes do not move
     * sequence numbers, so they can be applied early (one for a message whose addition is still held is skipped by
     * James, and the client reads the message's flags when it learns of it).
     */
    void releaseFlagChanges() {
        release(event -> event instanceof MailboxEvents.FlagsUpdated);
    }

    private void release(Predicate<Event> which) {
        synchronized (handingOver) {
            List<Event> events = new ArrayList<>();
            synchronized (pending) {
                for (Iterator<Event> it = pending.iterator(); it.hasNext(); ) {
                    Event event = it.next();
                    if (which.test(event)) {
                        events.add(event);
                        it.remove();
                    }
                }
            }
            // On this thread: waiting here for James's own scheduled application of the events exhausted the
            // scheduler the IMAP commands run on (FolderEvents says how).
            direct.apply(folder, events);
        }
    }

    /** IDLE's listener, woken for every event while the client idles; null when it does not. */
    void idle(EventListener.ReactiveEventListener listener) {
        idle.set(listener);
    }

    /**
     * Lets IDLE report changes (its listener makes James report them, which releases the events), one report at a
     * time: two reports of one session running together would interleave their EXISTS/EXPUNGE lines.
     */
    private void wakeIdle(Event event) {
        if (idleWakeups.getAndIncrement() == 0) {
            reportWhileIdle(event, 1).subscribeOn(Schedulers.boundedElastic()).subscribe();
        }
    }

    /**
     * One report, then another while wake-ups came in during it. Chained, not waited for: a pool thread waiting for
     * IDLE's report (which itself runs on the pool) is how the pool ran dry under many clients.
     */
    private Mono<Void> reportWhileIdle(Event event, int wakeups) {
        return Mono.defer(() -> {
            EventListener.ReactiveEventListener idling = idle.get();
            return idling == null ? Mono.<Void>empty() : Mono.from(idling.reactiveEvent(event));
        }).onErrorResume(RuntimeException.class, e -> {
            LOGGER.warn("IDLE could not report a change of its folder", e);
            return Mono.empty();
        }).then(Mono.defer(() -> {
            int left = idleWakeups.addAndGet(-wakeups);
            return left == 0 ? Mono.<Void>empty() : reportWhileIdle(event, left);
        }));
    }
}

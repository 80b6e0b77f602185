package org.civicmail.imap.view;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedList;
import java.util.List;
import java.util.function.Predicate;

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
    /** How long the end of IDLE waits at most for a report still being written. */
    private static final Duration IDLE_END_BOUND = Duration.ofSeconds(5);

    private final EventListener.ReactiveEventListener folder;
    /** Guarded by itself; held only to add or take events, never while James applies them. */
    private final List<Event> pending = new LinkedList<>();
    /** Held while events are handed over, so two hand-overs (a command's, IDLE's) keep the events' order. */
    private final Object handingOver = new Object();
    /**
     * Guards the IDLE fields below. IDLE's answers go into one buffer of James's that is not thread-safe: IDLE's
     * command, the reports of changes while idling (on Reactor's pool) and DONE's OK (on the connection's thread)
     * must write to it one after the other, never together ({@link #endIdle()}).
     */
    private final Object idleState = new Object();
    private EventListener.ReactiveEventListener idle;
    /** IDLE's command has finished, so reports may write. */
    private boolean idleAnswered;
    /** A report is being written. */
    private boolean idleReporting;
    /** An event that came while idling and is not reported yet (James reports all changes at once, any event will do). */
    private Event idleWakeup;

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
        EventListener.ReactiveEventListener idling;
        synchronized (idleState) {
            idling = idle;
        }
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
        synchronized (idleState) {
            idle = listener;
            idleAnswered = false;
            idleWakeup = null;
        }
    }

    /**
     * IDLE's command has finished (its "+", its first report and James's flush of the command's buffer are out):
     * reports of changes may write to that buffer from now on.
     */
    void idleAnswered() {
        synchronized (idleState) {
            idleAnswered = true;
            reportIfWoken();
        }
    }

    /**
     * The client ended IDLE (DONE, on the connection's thread, just before James writes IDLE's OK into the same
     * buffer). Waits until neither IDLE's command nor a report still writes to that buffer, so the OK is neither
     * garbled nor erased by them and follows their lines, and the next command never reports alongside IDLE. Reports
     * are short (one flag read for the changed messages); the bound only keeps a stuck one from stopping the
     * connection's thread for good.
     */
    void endIdle() {
        synchronized (idleState) {
            idle = null;
            idleWakeup = null;
            long deadline = System.nanoTime() + IDLE_END_BOUND.toNanos();
            while (!idleAnswered || idleReporting) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    LOGGER.warn("IDLE ended while {} still ran after {}; its OK may mix with that output",
                        idleAnswered ? "a report of changes" : "the IDLE command", IDLE_END_BOUND);
                    return;
                }
                try {
                    idleState.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Called holding {@code idleState}: starts a report when one is due and none runs (one at a time). */
    private void reportIfWoken() {
        EventListener.ReactiveEventListener listener = idle;
        Event event = idleWakeup;
        if (listener == null || event == null || !idleAnswered || idleReporting) {
            return;
        }
        idleWakeup = null;
        idleReporting = true;
        // On the pool, not on the thread that delivered the event; chained, never waited for by a pool thread (a
        // pool thread waiting for IDLE's report, which itself runs on the pool, is how the pool ran dry).
        Mono.defer(() -> Mono.from(listener.reactiveEvent(event)))
            .onErrorResume(RuntimeException.class, e -> {
                LOGGER.warn("IDLE could not report a change of its folder", e);
                return Mono.empty();
            })
            .doFinally(signal -> {
                synchronized (idleState) {
                    idleReporting = false;
                    idleState.notifyAll();
                    reportIfWoken();
                }
            })
            .subscribeOn(Schedulers.boundedElastic())
            .subscribe();
    }

    private void wakeIdle(Event event) {
        synchronized (idleState) {
            idleWakeup = event;
            reportIfWoken();
        }
    }
}

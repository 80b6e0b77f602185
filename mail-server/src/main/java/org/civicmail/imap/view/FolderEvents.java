package org.civicmail.imap.view;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.Optional;

import org.apache.james.events.Event;
import org.apache.james.events.EventListener;
import org.apache.james.imap.processor.base.SelectedMailboxImpl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies held events to James's folder state ({@code SelectedMailboxImpl}) on the calling thread.
 *
 * <p>Why not James's API: {@code SelectedMailboxImpl.reactiveEvent} applies each event on Reactor's shared
 * {@code boundedElastic} pool, and the IMAP commands that report changes run on that same pool. An
 * {@link EventGate} that waited for that work from a command's thread exhausted the pool once about twenty sessions
 * reported at the same moment: every pool thread waited for a task queued behind it, and the whole IMAP server hung
 * for good (40 clients of {@code ./civicmail bench imap}: 0.9 operations/s, every client "Read timed out"; the
 * thread dump showed all {@code boundedElastic} threads in {@code EventGate.release}). James's state applies an
 * event in a private {@code synchronized} method with no other work; calling it directly does exactly what the
 * scheduled task would do, without a thread hop.
 *
 * <p>That method is below James's public API, so {@link #detect()} checks at start that it is there as James
 * 3.8.1 has it; when it is not, {@link SelectedViews} registers James's folder state on the event bus directly
 * (James's own behaviour, without the gate) and says so once in the log.
 */
final class FolderEvents {
    private static final Logger LOGGER = LoggerFactory.getLogger(FolderEvents.class);
    private static final String METHOD = "synchronizedEvent";

    private final Method apply;

    private FolderEvents(Method apply) {
        this.apply = apply;
    }

    /** The direct way in, when James's folder state still has it; empty otherwise (logged once). */
    static Optional<FolderEvents> detect() {
        try {
            Method method = SelectedMailboxImpl.class.getDeclaredMethod(METHOD, Event.class);
            if (method.getReturnType() != void.class || Modifier.isStatic(method.getModifiers())
                    || !Modifier.isSynchronized(method.getModifiers())) {
                throw new NoSuchMethodException(METHOD + " has another shape: " + method);
            }
            method.setAccessible(true);
            return Optional.of(new FolderEvents(method));
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOGGER.warn("IMAP: James's SelectedMailboxImpl.{}(Event) is not as in James 3.8.1 ({}); selected folders get "
                + "James's own event handling (its sequence-number races included, see README 'IMAP under concurrency')",
                METHOD, e.toString());
            return Optional.empty();
        }
    }

    /** Whether this folder state is one the direct way applies to. */
    boolean handles(EventListener.ReactiveEventListener folder) {
        return folder.getClass() == SelectedMailboxImpl.class;
    }

    /** Applies the events in order on this thread; returns once the folder state has taken them all. */
    void apply(EventListener.ReactiveEventListener folder, List<Event> events) {
        for (Event event : events) {
            try {
                apply.invoke(folder, event);
            } catch (InvocationTargetException e) {
                Throwable cause = e.getCause();
                if (cause instanceof RuntimeException runtime) {
                    throw runtime;
                }
                if (cause instanceof Error error) {
                    throw error;
                }
                throw new IllegalStateException("James's folder state could not apply " + event.getClass().getSimpleName(), cause);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException("James's folder state refused " + METHOD + " after the start check", e);
            }
        }
    }
}

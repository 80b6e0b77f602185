package org.civicmail.james;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

import org.apache.james.events.Event;
import org.apache.james.events.EventListener;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.events.MailboxEvents;
import org.apache.james.mailbox.model.MailboxId;
import org.reactivestreams.Publisher;

import reactor.core.publisher.Mono;

/**
 * Wraps one session's folder listener (an IMAP SELECT) so that an "added" announcement arriving after the same
 * message's "expunged" one is dropped.
 * <p>
 * Announcements of different commands travel concurrently: session A appends a message, session B sees it, expunges
 * it and announces that, and B's announcement can reach session C before A's. James's selected folder then counts
 * the message as expunged while it is not yet listed, and lists it when the late "added" arrives: a message in the
 * folder's view that no longer exists, EXISTS n with n-1 messages, until the next SELECT. UIDs are never given twice,
 * so an addition of an expunged UID is always stale. Remembers the last {@value #REMEMBERED} expunged UIDs (a late
 * announcement is late by milliseconds to seconds, not by thousands of expunges).
 */
final class StaleAdditionFilter implements EventListener.ReactiveEventListener {
    static final int REMEMBERED = 10_000;

    private record Expunged(MailboxId mailbox, MessageUid uid) {
    }

    private final EventListener.ReactiveEventListener listener;
    private final Set<Expunged> expunged = Collections.newSetFromMap(Collections.synchronizedMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Expunged, Boolean> eldest) {
            return size() > REMEMBERED;
        }
    }));

    StaleAdditionFilter(EventListener.ReactiveEventListener listener) {
        this.listener = listener;
    }

    @Override
    public Publisher<Void> reactiveEvent(Event event) {
        if (event instanceof MailboxEvents.Expunged gone) {
            gone.getUids().forEach(uid -> expunged.add(new Expunged(gone.getMailboxId(), uid)));
        } else if (event instanceof MailboxEvents.Added added) {
            SortedMap<MessageUid, org.apache.james.mailbox.model.MessageMetaData> current = new TreeMap<>(added.getAdded());
            current.keySet().removeIf(uid -> expunged.contains(new Expunged(added.getMailboxId(), uid)));
            if (current.isEmpty()) {
                return Mono.empty();
            }
            if (current.size() < added.getAdded().size()) {
                return listener.reactiveEvent(new MailboxEvents.Added(added.getSessionId(), added.getUsername(), added.getMailboxPath(),
                    added.getMailboxId(), current, added.getEventId(), added.isDelivery()));
            }
        }
        return listener.reactiveEvent(event);
    }

    @Override
    public ExecutionMode getExecutionMode() {
        return listener.getExecutionMode();
    }

    @Override
    public boolean isHandling(Event event) {
        return listener.isHandling(event);
    }
}

package org.civicmail.broadcast.input;

import java.util.function.Consumer;

import org.civicmail.broadcast.input.BroadcastPlan.Recipient;

/**
 * The recipients of a planned broadcast. An audience of accounts is read again from the account table each time it
 * is walked, never held whole in memory: a broadcast to a million citizens takes the heap one to ten takes
 * ({@code StreamingAudienceIT}). Thread-safe.
 */
public interface Recipients {
    /** How many the plan found. Storing counts them again ({@code BroadcastStore.create}): accounts may change between. */
    int count();

    /** The first one, for the dry run's sample; the plan never has none. */
    Recipient first();

    /** Each recipient in order, streamed. */
    void forEach(Consumer<Recipient> each);
}

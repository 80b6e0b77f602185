package org.civicmail.broadcast.store;

import java.time.Instant;

/** What happened to one recipient: delivered at a time, or failed for a reason. */
public record Outcome(int seq, boolean delivered, String reason, Instant at) {
    public static Outcome delivered(int seq, Instant at) {
        return new Outcome(seq, true, null, at);
    }

    public static Outcome failed(int seq, String reason, Instant at) {
        return new Outcome(seq, false, reason, at);
    }
}

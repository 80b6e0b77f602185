package org.civicmail.broadcast;

import org.civicmail.broadcast.store.BroadcastJob;
import org.civicmail.broadcast.store.Counts;

/** A broadcast and how far it got. */
public record BroadcastStatus(BroadcastJob job, Counts counts, boolean hasEvidence) {
    /** running, finishing (every recipient served, summary being signed), finished or stopped. */
    public String state() {
        if (job.state().ended()) {
            return job.state().dbName();
        }
        return counts.done() == counts.total() ? "finishing" : "running";
    }
}

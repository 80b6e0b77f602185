package org.civicmail.broadcast;

import org.civicmail.broadcast.store.BroadcastJob;
import org.civicmail.broadcast.store.Counts;

/** A broadcast and how far it got. */
public record BroadcastStatus(BroadcastJob job, Counts counts, boolean hasEvidence) {
    public String state() {
        return job.state() == BroadcastJob.State.FINISHED ? "finished" : counts.done() == counts.total() ? "finishing" : "running";
    }
}

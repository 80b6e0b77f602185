package org.civicmail.broadcast.store;

/** How many recipients of a broadcast are in each state. */
public record Counts(long pending, long sending, long delivered, long failed) {
    public long total() {
        return pending + sending + delivered + failed;
    }

    public long done() {
        return delivered + failed;
    }
}

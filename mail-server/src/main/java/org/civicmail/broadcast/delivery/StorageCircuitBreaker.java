package org.civicmail.broadcast.delivery;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stops a broadcast whose mailbox storage keeps failing, instead of retrying every recipient one by one for hours
 * (0.6 s each: about 17 h for 100,000 when the database is down). A batch counts as failed when it could not be
 * stored after its retries and neither could its first recipients on their own (a fault of the storage, not of one
 * recipient); its recipients stay pending. After {@code limit} failed batches in a row the broadcast stops, resumable:
 * nothing was recorded for the pending recipients. Any stored batch resets the count. Thread-safe (shared by lanes).
 */
final class StorageCircuitBreaker {
    /** Failed batches in a row that stop the broadcast. */
    static final int FAILED_BATCHES = 3;
    /** Recipients tried alone, after the whole batch failed, before the batch counts as failed. */
    static final int PROBES = 2;

    private final int limit;
    private final AtomicInteger failedInARow = new AtomicInteger();

    StorageCircuitBreaker(int limit) {
        this.limit = limit;
    }

    void stored() {
        failedInARow.set(0);
    }

    /** Records a failed batch; the reason to stop the broadcast when it is the {@code limit}-th in a row. */
    Optional<String> batchFailed(Exception cause) {
        int n = failedInARow.incrementAndGet();
        if (n < limit) {
            return Optional.empty();
        }
        return Optional.of("the mailbox database kept failing (" + n + " batches in a row could not be stored; last error: " + cause
            + "); the recipients not yet served are kept pending and the broadcast resumes when the server starts again");
    }
}

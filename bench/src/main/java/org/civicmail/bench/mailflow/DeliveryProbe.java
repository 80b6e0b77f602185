package org.civicmail.bench.mailflow;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/** Tells when the last message of a run reached its mailbox, by looking where a reader would. */
interface DeliveryProbe {
    /**
     * Waits until every mailbox holds {@code expected} messages ({@code previous} of them from earlier runs) and
     * returns the wall-clock time the last new one was stored.
     */
    Instant awaitDelivered(Map<String, Integer> previous, Map<String, Integer> expected, Duration timeout) throws Exception;
}

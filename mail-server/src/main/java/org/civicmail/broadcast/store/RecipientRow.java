package org.civicmail.broadcast.store;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * One recipient of a broadcast (table BC_RECIPIENT). State: {@code P} pending, {@code D} delivered, {@code F} failed.
 * Whether a pending recipient's message was stored before a crash is in the delivery journal, not here; a broadcast
 * stopped while that journal could not be read notes so in the pending recipient's reason.
 */
public record RecipientRow(int seq, String address, int rowNumber, Map<String, String> fields, Optional<String> attachment,
                           char state, Optional<String> reason, Optional<Instant> deliveredAt) {
    public static final char PENDING = 'P';
    public static final char DELIVERED = 'D';
    public static final char FAILED = 'F';

    public static String stateName(char state) {
        return switch (state) {
            case PENDING -> "pending";
            case DELIVERED -> "delivered";
            case FAILED -> "failed";
            default -> String.valueOf(state);
        };
    }
}

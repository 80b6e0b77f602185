package org.civicmail.broadcast.delivery;

import java.util.Optional;

/**
 * Judges, batch by batch and against live state, whether a broadcast may go on and which verdict its copies carry:
 * the agency's account must still be enabled, and each copy's signature is verified when the copy is stored. A copy
 * whose verdict is not {@code valid} is not stored: the broadcast stops, with the reason in words.
 * Implementations are thread-safe ({@link LiveDeliveryCheck} is the server's).
 */
public interface DeliveryCheck {
    /** A copy's verdict at delivery ({@link #headerValue}), or why nothing more may be delivered under the signature. */
    record Judgement(Optional<String> stopReason, String headerValue) {
        public static Judgement valid(String headerValue) {
            return new Judgement(Optional.empty(), headerValue);
        }

        public static Judgement stop(String reason) {
            return new Judgement(Optional.of(reason), "");
        }
    }

    /** Why the agency may not send any more, if so: its account is gone or disabled. */
    Optional<String> agencyStopReason(String agency);

    /** The verdict {@code copy} carries if it is stored now; a verdict other than valid is a reason to stop. */
    Judgement judge(byte[] copy);

    /** Why an agency has no usable signing credential (for kinds signed per recipient), in words. */
    String whyNoCredential(String agency);
}

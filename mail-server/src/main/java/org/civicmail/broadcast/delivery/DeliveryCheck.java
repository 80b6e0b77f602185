package org.civicmail.broadcast.delivery;

import java.math.BigInteger;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Judges, batch by batch and against live state, whether a broadcast may go on and which verdict its copies carry:
 * the agency's account must still be enabled, and each copy's signature is verified when the copy is stored. A copy
 * whose verdict is not {@code valid} is not stored: the broadcast stops, with the reason in words.
 * Implementations are thread-safe ({@link LiveDeliveryCheck} is the server's).
 */
public interface DeliveryCheck {
    /**
     * A copy's verdict at delivery ({@link #headerValue}) and the serial of the certificate it was signed with, or
     * why nothing more may be delivered under the signature.
     */
    record Judgement(Optional<String> stopReason, String headerValue, Optional<BigInteger> signerSerial) {
        public static Judgement valid(String headerValue, BigInteger signerSerial) {
            return new Judgement(Optional.empty(), headerValue, Optional.of(signerSerial));
        }

        public static Judgement stop(String reason) {
            return new Judgement(Optional.of(reason), "", Optional.empty());
        }
    }

    /**
     * The status of an agency and its signing certificate, held until closed: a revocation of the certificate or a
     * disable of the account committed while a hold is open waits until it is closed. A batch is stored inside one,
     * so its copies are committed before any revocation that it did not see.
     */
    interface Hold extends AutoCloseable {
        /** Why nothing may be stored under the signature now, if so (read when the hold was taken). */
        Optional<String> stopReason();

        @Override
        void close();
    }

    /** Why the agency may not send any more, if so: its account is gone or disabled. */
    Optional<String> agencyStopReason(String agency);

    /** The verdict {@code copy} carries if it is stored now; a verdict other than valid is a reason to stop. */
    Judgement judge(byte[] copy);

    /** Takes the hold on {@code agency}'s account and on the certificate {@code signerSerial}. */
    Hold hold(String agency, BigInteger signerSerial) throws SQLException;

    /** Why an agency has no usable signing credential (for kinds signed per recipient), in words. */
    String whyNoCredential(String agency);
}

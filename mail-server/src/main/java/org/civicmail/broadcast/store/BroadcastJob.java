package org.civicmail.broadcast.store;

import java.time.Instant;
import java.util.Optional;

import org.civicmail.broadcast.BroadcastKind;

/**
 * A stored broadcast (table BC_JOB). {@code signedNotice} is the signed message shared by all recipients of a notice.
 * A broadcast ends {@code finished} (every recipient served) or {@code stopped} (its signature or its agency became
 * unusable while it ran; {@code stopReason} says why, and {@code finishedAt} is when it stopped).
 */
public record BroadcastJob(String id, String agency, BroadcastKind kind, String audience, String subject, String template,
                           String html, String templateSha256, String dataSha256, String dataCharset, String origin,
                           byte[] signedNotice, State state, int total, Instant createdAt, Optional<Instant> finishedAt,
                           Optional<String> stopReason) {

    public enum State {
        RUNNING("running"), FINISHED("finished"), STOPPED("stopped");

        private final String dbName;

        State(String dbName) {
            this.dbName = dbName;
        }

        public String dbName() {
            return dbName;
        }

        static State of(String dbName) {
            for (State s : values()) {
                if (s.dbName.equals(dbName)) {
                    return s;
                }
            }
            throw new IllegalArgumentException("unknown broadcast state '" + dbName + "' in BC_JOB");
        }

        /** Whether nothing more happens to the broadcast. */
        public boolean ended() {
            return this != RUNNING;
        }

        @Override
        public String toString() {
            return dbName;
        }
    }
}

package org.civicmail.broadcast.store;

import java.time.Instant;
import java.util.Optional;

import org.civicmail.broadcast.BroadcastKind;

/** A stored broadcast (table BC_JOB). {@code signedNotice} is the signed message shared by all recipients of a notice. */
public record BroadcastJob(String id, String agency, BroadcastKind kind, String audience, String subject, String template,
                           String html, String templateSha256, String dataSha256, String dataCharset, String origin,
                           byte[] signedNotice, State state, int total, Instant createdAt, Optional<Instant> finishedAt) {

    public enum State {
        RUNNING("running"), FINISHED("finished");

        private final String dbName;

        State(String dbName) {
            this.dbName = dbName;
        }

        public String dbName() {
            return dbName;
        }

        static State of(String dbName) {
            return dbName.equals(FINISHED.dbName) ? FINISHED : RUNNING;
        }

        @Override
        public String toString() {
            return dbName;
        }
    }
}

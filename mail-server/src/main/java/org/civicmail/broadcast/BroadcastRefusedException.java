package org.civicmail.broadcast;

import java.util.List;

/**
 * A broadcast that will not be sent, with every problem found (row numbers count the CSV header as row 1, as a
 * spreadsheet does). Nothing was stored or sent when this is thrown. The reason maps to a CLI exit code (2 for
 * bad input, 1 otherwise) and an HTTP status (400, 403, 404).
 */
public class BroadcastRefusedException extends RuntimeException {
    public enum Reason {
        BAD_INPUT(400), FORBIDDEN(403), NOT_FOUND(404);

        private final int httpStatus;

        Reason(int httpStatus) {
            this.httpStatus = httpStatus;
        }

        public int httpStatus() {
            return httpStatus;
        }
    }

    private final Reason reason;
    private final List<String> problems;
    private final String summary;

    public BroadcastRefusedException(Reason reason, String problem) {
        this(reason, problem, List.of(problem));
    }

    public BroadcastRefusedException(Reason reason, String summary, List<String> problems) {
        super(problems.size() <= 1 && problems.contains(summary) ? summary : summary + ":\n  " + String.join("\n  ", problems));
        this.reason = reason;
        this.problems = List.copyOf(problems);
        this.summary = summary;
    }

    public Reason reason() {
        return reason;
    }

    public List<String> problems() {
        return problems;
    }

    public String summary() {
        return summary;
    }
}

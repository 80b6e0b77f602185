package org.civicmail.ca.audit;

import java.nio.file.Path;
import java.util.List;

/** The outcome of {@link AuditLog#verify()}: the entries read and every problem found. */
public record AuditVerification(Path file, int entries, List<String> problems) {
    public AuditVerification {
        problems = List.copyOf(problems);
    }

    public boolean intact() {
        return problems.isEmpty();
    }
}

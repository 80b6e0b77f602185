package org.civicmail.ca.audit;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.civicmail.ca.InvalidInputException;

/**
 * The audit log's head at one moment, sealed, for keeping off the CA machine: whoever can later
 * rewrite the data directory (even consistently, or by rolling it back to an older sealed state)
 * cannot make the log hold a different entry {@code sequence}. Text form: one {@code key=value} per
 * line after the header line {@value #HEADER}.
 */
public record AuditCheckpoint(long sequence, String hash, String time, String seal) {
    public static final String HEADER = "civicmail-audit-checkpoint v1";

    public String toText() {
        return HEADER + "\nentry=" + sequence + "\nhash=" + hash + "\ntime=" + time + "\nseal=hmac-sha256:" + seal + "\n";
    }

    /** Parses {@link #toText()}; {@code name} is the file name for messages. */
    public static AuditCheckpoint parse(String text, String name) {
        String[] lines = text.strip().split("\r?\n");
        if (lines.length == 0 || !lines[0].equals(HEADER)) {
            throw new InvalidInputException(name + " is not an audit checkpoint (its first line must be '" + HEADER
                    + "'); use a file written by `ca audit export`");
        }
        Map<String, String> f = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int eq = lines[i].indexOf('=');
            if (eq > 0) {
                f.put(lines[i].substring(0, eq), lines[i].substring(eq + 1));
            }
        }
        try {
            long seq = Long.parseLong(f.getOrDefault("entry", ""));
            String hash = f.getOrDefault("hash", "");
            String time = f.getOrDefault("time", "");
            Instant.parse(time);
            String seal = f.getOrDefault("seal", "");
            if (!hash.matches("[0-9a-f]{64}") || !seal.startsWith("hmac-sha256:")) {
                throw new IllegalArgumentException("hash or seal");
            }
            return new AuditCheckpoint(seq, hash, time, seal.substring("hmac-sha256:".length()));
        } catch (RuntimeException e) {
            throw new InvalidInputException(name + " is a damaged audit checkpoint (entry, hash, time and seal are required);"
                    + " use the file exactly as `ca audit export` wrote it");
        }
    }
}

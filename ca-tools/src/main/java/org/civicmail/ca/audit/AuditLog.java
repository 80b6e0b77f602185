package org.civicmail.ca.audit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.civicmail.ca.CaException;
import org.civicmail.ca.store.CertificateStore;

/**
 * Append-only, hash-chained and sealed log of every issuance, renewal and revocation. One line per
 * entry: {@code seq|time|actor|action|details|previousHash|hash|seal}, where hash = SHA-256 over
 * everything before it and seal = {@link AuditSeal#entry} of (seq, hash), an HMAC under a key
 * derived from the CA passphrase. The chain makes every earlier entry depend on the last; the seal
 * makes the last one (and every other) impossible to recompute without the key, so a consistent
 * rewrite of the whole log and of the head recorded in the CA database is detected. Entries
 * written before sealing existed have no seal field; the first sealed entry after them covers them
 * through the chain. Rolling the log and the database back together to an older sealed state is
 * only detectable against a checkpoint kept elsewhere ({@link #checkpoint()}). Thread-safe.
 */
public final class AuditLog {
    public static final String GENESIS = "0".repeat(64);
    private static final int LEGACY_FIELDS = 7;
    private static final int SEALED_FIELDS = 8;

    private final Path file;
    private final CertificateStore store;
    private final Clock clock;
    private final String actor;
    private final AuditSeal seal;
    private FileChannel channel;
    private long lastSeq;
    private String lastHash;

    public AuditLog(Path file, CertificateStore store, Clock clock, String actor, AuditSeal seal) {
        this.file = file;
        this.seal = seal;
        this.store = store;
        this.clock = clock;
        this.actor = actor;
        CertificateStore.AuditHead head = store.auditHead().orElse(new CertificateStore.AuditHead(0, GENESIS));
        this.lastSeq = head.sequence();
        this.lastHash = head.hash();
    }

    public Path file() {
        return file;
    }

    /**
     * Appends an entry and returns its sequence number. {@code details} must not hold secrets.
     * Returns once the entry is on disk (fsync) and recorded as the head in the database;
     * concurrent appends share one fsync.
     */
    public long append(String action, String details) {
        long seq;
        String hash;
        synchronized (this) {
            seq = lastSeq + 1;
            String body = seq + "|" + clock.instant() + "|" + escape(actor) + "|" + escape(action) + "|" + escape(details)
                    + "|" + lastHash;
            hash = sha256(body);
            ByteBuffer line = ByteBuffer.wrap((body + "|" + hash + "|" + seal.entry(seq, hash) + "\n").getBytes(StandardCharsets.UTF_8));
            try {
                FileChannel ch = channel();
                while (line.hasRemaining()) {
                    ch.write(line);
                }
            } catch (IOException e) {
                throw new CaException("cannot append to the audit log " + file + ": " + e.getMessage()
                        + "; check that the directory is writable", e);
            }
            lastSeq = seq;
            lastHash = hash;
        }
        try {
            channel().force(false);
        } catch (IOException e) {
            throw new CaException("cannot sync the audit log " + file + ": " + e.getMessage(), e);
        }
        store.saveAuditHead(new CertificateStore.AuditHead(seq, hash));
        return seq;
    }

    private synchronized FileChannel channel() throws IOException {
        if (channel == null || !channel.isOpen()) {
            Files.createDirectories(file.toAbsolutePath().getParent());
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        }
        return channel;
    }

    /** Closes the file; a later append reopens it. */
    public synchronized void close() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // nothing was pending: every append forced its write
            }
            channel = null;
        }
    }

    /**
     * Appends a sealed entry if the log ends with an entry written before sealing existed (a data
     * directory from an older version), so its head is sealed from now on.
     */
    public synchronized void sealIfUnsealed() {
        List<String> lines = read();
        if (!lines.isEmpty() && lines.get(lines.size() - 1).split("\\|", -1).length == LEGACY_FIELDS) {
            append("seal-log", "entries 1.." + lastSeq + " written without seals are covered by this entry's chain");
        }
    }

    /** A sealed checkpoint of the current head (also recorded as an entry, so the log shows when one was taken). */
    public AuditCheckpoint checkpoint() {
        long seq;
        String hash;
        synchronized (this) {
            seq = lastSeq;
            hash = lastHash;
        }
        String time = clock.instant().toString();
        AuditCheckpoint c = new AuditCheckpoint(seq, hash, time, seal.checkpoint(seq, hash, time));
        append("export-checkpoint", "entry=" + seq);
        return c;
    }

    /** Re-reads the whole log and checks the chain, the seals and the recorded head. */
    public AuditVerification verify() {
        return verify(null);
    }

    /** As {@link #verify()}, and checks that the log still holds {@code checkpoint}'s entry unchanged. */
    public AuditVerification verify(AuditCheckpoint checkpoint) {
        List<String> problems = new ArrayList<>();
        List<String> lines = read();
        if (checkpoint != null && !AuditSeal.matches(seal.checkpoint(checkpoint.sequence(), checkpoint.hash(), checkpoint.time()),
                checkpoint.seal())) {
            problems.add("the checkpoint's seal does not match: it was edited, or it belongs to another CA");
            checkpoint = null;
        }
        long expected = 1;
        String previous = GENESIS;
        boolean sealedSeen = false;
        boolean lastSealed = false;
        boolean checkpointFound = false;
        for (int i = 0; i < lines.size(); i++) {
            int lineNo = i + 1;
            String[] f = lines.get(i).split("\\|", -1);
            long seq;
            try {
                seq = Long.parseLong(f[0]);
            } catch (NumberFormatException e) {
                seq = -1;
            }
            if ((f.length != LEGACY_FIELDS && f.length != SEALED_FIELDS) || seq < 1) {
                problems.add("line " + lineNo + " is malformed: the entry was edited");
                expected++;
                lastSealed = false;
                continue;
            }
            String body = String.join("|", java.util.Arrays.copyOf(f, 6));
            if (seq != expected) {
                problems.add("line " + lineNo + " holds entry " + seq + " but entry " + expected + " was expected: "
                        + (seq > expected ? "entries " + expected + ".." + (seq - 1) + " were deleted" : "entries were reordered or duplicated"));
            } else if (!f[5].equals(previous)) {
                problems.add("line " + lineNo + " (entry " + seq + "): previous-hash does not match the entry before it:"
                        + " an entry was deleted, inserted or edited");
            }
            if (!sha256(body).equals(f[6])) {
                problems.add("line " + lineNo + " (entry " + seq + "): hash does not match its content: the entry was edited");
            }
            if (f.length == SEALED_FIELDS) {
                boolean valid = AuditSeal.matches(seal.entry(seq, f[6]), f[7]);
                if (!valid) {
                    problems.add("line " + lineNo + " (entry " + seq + "): seal does not match: the entry was written or"
                            + " rewritten without the CA's key");
                }
                sealedSeen = true;
                lastSealed = valid;
            } else {
                if (sealedSeen) {
                    problems.add("line " + lineNo + " (entry " + seq + ") has no seal although earlier entries have:"
                            + " it was written without the CA's key");
                }
                lastSealed = false;
            }
            if (checkpoint != null && seq == checkpoint.sequence()) {
                checkpointFound = true;
                if (!f[6].equals(checkpoint.hash())) {
                    problems.add("entry " + seq + " differs from the checkpoint exported at " + checkpoint.time()
                            + ": the log was rewritten since");
                }
            }
            expected = seq + 1;
            previous = f[6];
        }
        long last = expected - 1;
        if (!lines.isEmpty() && !lastSealed) {
            problems.add("the last entry " + last + " carries no valid seal: the log's head was written without the CA's key");
        }
        if (checkpoint != null && !checkpointFound && checkpoint.sequence() > 0) {
            problems.add("the log no longer holds entry " + checkpoint.sequence() + " of the checkpoint exported at "
                    + checkpoint.time() + ": it was truncated or rolled back");
        }
        if (lines.isEmpty() && !store.list(null, 0, 1).isEmpty()) {
            problems.add("the log is empty although the CA has issued certificates: it was deleted or replaced");
        }
        CertificateStore.AuditHead head = store.auditHead().orElse(new CertificateStore.AuditHead(0, GENESIS));
        if (head.sequence() > last) {
            problems.add("the log ends at entry " + last + " but the CA database records entry " + head.sequence()
                    + " as the last: entries at the end were deleted");
        } else if (head.sequence() < last) {
            problems.add("entries after " + head.sequence() + " are not recorded in the CA database: they were appended"
                    + " outside the CA");
        } else if (!head.hash().equals(previous)) {
            problems.add("the hash of the last entry " + last + " differs from the one recorded in the CA database:"
                    + " the log was rewritten");
        }
        return new AuditVerification(file, lines.size(), problems);
    }

    private List<String> read() {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new CaException("cannot read the audit log " + file + ": " + e.getMessage(), e);
        }
    }

    static String escape(String s) {
        return s == null ? "" : s.replace("%", "%25").replace("|", "%7C").replace("\n", "%0A").replace("\r", "%0D");
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

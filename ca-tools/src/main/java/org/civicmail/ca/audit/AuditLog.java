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
 * Append-only, hash-chained log of every issuance, renewal and revocation. One line per entry:
 * {@code seq|time|actor|action|details|previousHash|hash}, where hash = SHA-256 over everything
 * before it. The sequence and hash of the last entry are also kept in the CA database, so
 * deleting entries at the end is detected too. Thread-safe.
 */
public final class AuditLog {
    public static final String GENESIS = "0".repeat(64);

    private final Path file;
    private final CertificateStore store;
    private final Clock clock;
    private final String actor;
    private FileChannel channel;
    private long lastSeq;
    private String lastHash;

    public AuditLog(Path file, CertificateStore store, Clock clock, String actor) {
        this.file = file;
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
            ByteBuffer line = ByteBuffer.wrap((body + "|" + hash + "\n").getBytes(StandardCharsets.UTF_8));
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

    /** Re-reads the whole log and checks the chain and the recorded head. */
    public AuditVerification verify() {
        List<String> problems = new ArrayList<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            lines = List.of();
        } catch (IOException e) {
            throw new CaException("cannot read the audit log " + file + ": " + e.getMessage(), e);
        }
        long expected = 1;
        String previous = GENESIS;
        for (int i = 0; i < lines.size(); i++) {
            int lineNo = i + 1;
            String[] f = lines.get(i).split("\\|", -1);
            long seq;
            try {
                seq = Long.parseLong(f[0]);
            } catch (NumberFormatException e) {
                seq = -1;
            }
            if (f.length != 7 || seq < 1) {
                problems.add("line " + lineNo + " is malformed: the entry was edited");
                expected++;
                continue;
            }
            String body = lines.get(i).substring(0, lines.get(i).lastIndexOf('|'));
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
            expected = seq + 1;
            previous = f[6];
        }
        long last = expected - 1;
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

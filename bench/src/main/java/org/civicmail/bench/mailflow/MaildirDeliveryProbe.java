package org.civicmail.bench.mailflow;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The peer's mailboxes: Maildir folders under one root (Postfix's virtual delivery agent), {@code ROOT/<local
 * part>/new/}. Delivered = a file in {@code new/} or {@code cur/}; stored at = the newest file's modification time.
 */
final class MaildirDeliveryProbe implements DeliveryProbe {
    private final Path root;

    MaildirDeliveryProbe(Path root) {
        this.root = root;
    }

    @Override
    public Instant awaitDelivered(Map<String, Integer> previous, Map<String, Integer> expected, Duration timeout) throws Exception {
        long wanted = expected.values().stream().mapToLong(Integer::longValue).sum();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long[] countAndNewest = scan();
            if (countAndNewest[0] >= wanted) {
                return Instant.ofEpochMilli(countAndNewest[1]);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(root + " holds " + countAndNewest[0] + " of " + wanted + " messages at the deadline");
            }
            Thread.sleep(50);
        }
    }

    private long[] scan() throws IOException {
        long[] result = new long[2];
        if (!Files.isDirectory(root)) {
            return result;
        }
        try (Stream<Path> files = Files.walk(root)) {
            files.filter(Files::isRegularFile)
                .filter(f -> f.getParent() != null && (f.getParent().endsWith("new") || f.getParent().endsWith("cur")))
                .forEach(f -> {
                    try {
                        FileTime t = Files.getLastModifiedTime(f);
                        result[0]++;
                        result[1] = Math.max(result[1], t.toMillis());
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
        }
        return result;
    }
}

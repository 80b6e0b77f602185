package org.civicmail.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The index on disk survives a thread that is interrupted while it reads or commits. The server interrupts threads
 * that touch the index at every stop (the committer's timer, broadcast lanes cancelled, the catch-up and rebuild
 * threads). Lucene 3.6's NIOFSDirectory (what {@code FSDirectory.open} picks on Java 17, failing this test on {@code _0.tis}) reads through an
 * interruptible FileChannel: one interrupted read closes the channel that every reader of that file shares, and
 * every later search and commit fails ("commit failed … NIOFSIndexInput(…_1.fnm)" at a stop in StopUnderLoadIT).
 */
class TextIndexInterruptTest {
    private static final String FOLDER = "7";

    private final java.util.List<Long> expected = java.util.stream.LongStream.rangeClosed(1, 40).boxed().toList();

    @Test
    void aThreadInterruptedWhileUsingTheIndexLeavesItUsableForEveryoneElse(@TempDir Path dir) throws Exception {
        try (TextIndex index = new TextIndex(TextIndex.onDisk(dir.toFile()))) {
            for (long uid = 1; uid <= 40; uid++) {
                put(index, uid);
                if (uid % 10 == 0) {
                    index.commit(); // several segments on disk, read through the writer's pooled readers
                }
            }
            assertThat(index.uidsContaining(FOLDER, "账单", TextIndex.BODY)).hasSize(40);

            // The attack: a thread the stop interrupts happens to be searching and committing at that moment.
            AtomicReference<Throwable> interrupted = new AtomicReference<>();
            Thread victim = new Thread(() -> {
                Thread.currentThread().interrupt();
                try {
                    index.uidsContaining(FOLDER, "本月水费账单", TextIndex.BODY);
                    put(index, 41);
                    index.commit();
                } catch (Throwable t) {
                    interrupted.set(t); // this thread may fail (named in the assertions below); everyone else must not
                }
            });
            victim.start();
            victim.join();

            put(index, 42);
            String victimMet = "after the interrupted thread met " + interrupted.get();
            assertThat(index.uidsContaining(FOLDER, "本月水费账单", TextIndex.BODY)).as(victimMet).containsAll(expected).contains(42L);
            assertThat(index.uidsContaining(FOLDER, "水费账单", TextIndex.HEADER_PREFIX + "subject")).as(victimMet)
                .containsAll(expected);
            index.commit();
        }
        try (TextIndex reopened = new TextIndex(TextIndex.onDisk(dir.toFile()))) {
            assertThat(reopened.uidsContaining(FOLDER, "本月水费账单", TextIndex.BODY)).containsAll(expected).contains(42L);
        }
    }

    private static void put(TextIndex index, long uid) throws Exception {
        byte[] message = ("Subject: 水费账单 " + uid + "\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n本月水费账单 "
            + uid + " 元。\r\n").getBytes(StandardCharsets.UTF_8);
        index.put(FOLDER, uid, MessageTextReader.read(new ByteArrayInputStream(message)));
    }
}

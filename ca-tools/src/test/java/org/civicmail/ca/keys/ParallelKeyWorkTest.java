package org.civicmail.ca.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.civicmail.ca.CaException;
import org.junit.jupiter.api.Test;

class ParallelKeyWorkTest {
    @Test
    void aFailedTaskThrowsItsOwnExceptionNamingTheFile() {
        CaException wrong = new CaException("cannot decrypt keystore /ca/tls-ca.p12: the passphrase ... is not the one");
        try (ParallelKeyWork work = new ParallelKeyWork()) {
            Map<String, CompletableFuture<String>> tasks = new LinkedHashMap<>();
            tasks.put("smime", work.submit(() -> "smime key"));
            tasks.put("tls", work.submit(() -> {
                throw wrong;
            }));
            // The caller sees the typed exception it would have seen had the file been read on its own thread.
            assertSame(wrong, assertThrows(CaException.class, () -> ParallelKeyWork.joinAll(tasks)));
            assertEquals("smime key", ParallelKeyWork.join(tasks.get("smime")));
        }
    }

    @Test
    void closeWaitsForTasksNobodyJoinedSoThePassphraseIsClearedOnlyAfterThem() throws Exception {
        char[] pass = "a passphrase".toCharArray();
        char[][] seen = new char[1][];
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread releaser;
        try (ParallelKeyWork work = new ParallelKeyWork()) {
            work.submit(() -> {
                started.countDown();
                await(release);
                seen[0] = pass.clone(); // a key file decrypted late, after another task failed
                return null;
            });
            assertTrue(started.await(10, TimeUnit.SECONDS));
            releaser = new Thread(release::countDown);
            releaser.start();
        }
        // Attack: a caller that clears the passphrase while a worker still reads it would decrypt with zeros.
        Arrays.fill(pass, '\0');
        assertEquals("a passphrase", new String(seen[0]));
        releaser.join();
    }

    private static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(10, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}

package org.civicmail.testkit;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import org.awaitility.Awaitility;

/**
 * Everything an in-process server prints (its console log, {@code logback.xml}, goes to standard error; anything else
 * to standard output), line by line, as a forked server's output would hold it, so a test can check what an operator
 * would read (a refused login is logged; no password ever is). While attached, {@code System.out} and
 * {@code System.err} still print where they did and are copied here; a failsafe fork runs one test class at a time.
 */
final class ServerLog {
    private final List<String> lines = new ArrayList<>();
    private PrintStream out;
    private PrintStream err;

    void attach() {
        out = System.out;
        err = System.err;
        System.setOut(new PrintStream(new Tee(out), true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(new Tee(err), true, StandardCharsets.UTF_8));
    }

    void detach() {
        System.setOut(out);
        System.setErr(err);
    }

    List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    /**
     * Waits (on the log's state, not a fixed time) until a line matching {@code line} has been printed. Each line is
     * tested once, in order, so a predicate may count (e.g. "the second batch").
     */
    void await(Predicate<String> line, Duration timeout) {
        int[] seen = {0};
        Awaitility.await("a server log line").atMost(timeout).pollInterval(Duration.ofMillis(5)).until(() -> {
            List<String> now = lines();
            for (; seen[0] < now.size(); seen[0]++) {
                if (line.test(now.get(seen[0]))) {
                    return true;
                }
            }
            return false;
        });
    }

    /** Writes through to the original stream and collects complete lines. */
    private final class Tee extends OutputStream {
        private final PrintStream original;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        Tee(PrintStream original) {
            this.original = original;
        }

        @Override
        public synchronized void write(int b) {
            original.write(b);
            collect(b);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            original.write(b, off, len);
            for (int i = off; i < off + len; i++) {
                collect(b[i]);
            }
        }

        @Override
        public void flush() {
            original.flush();
        }

        private void collect(int b) {
            if (b == '\n') {
                String text = line.toString(StandardCharsets.UTF_8);
                line.reset();
                synchronized (lines) {
                    lines.add(text.endsWith("\r") ? text.substring(0, text.length() - 1) : text);
                }
            } else {
                line.write(b);
            }
        }
    }
}

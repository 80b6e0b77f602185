package org.civicmail.cli;

import java.io.PrintWriter;
import java.time.Duration;

/**
 * A one-line progress display on stderr: count, rate and time left. Redraws at most a few times a second so
 * printing never slows the work it reports.
 */
public final class ProgressBar {
    private static final long REDRAW_NANOS = 250_000_000L;
    private static final int WIDTH = 30;

    private final PrintWriter err;
    private final String label;
    private final long total;
    private final long startNanos = System.nanoTime();
    private long lastDraw;
    private long done;

    public ProgressBar(PrintWriter err, String label, long total) {
        this.err = err;
        this.label = label;
        this.total = total;
    }

    public synchronized void step(long n) {
        done += n;
        long now = System.nanoTime();
        if (now - lastDraw >= REDRAW_NANOS || done >= total) {
            lastDraw = now;
            draw(now);
        }
    }

    public synchronized void finish() {
        draw(System.nanoTime());
        err.println();
        err.flush();
    }

    private void draw(long now) {
        double seconds = Math.max((now - startNanos) / 1e9, 1e-3);
        double rate = done / seconds;
        int filled = total == 0 ? WIDTH : (int) Math.min(WIDTH, WIDTH * done / total);
        String eta = rate <= 0 || done >= total ? "0s" : format(Duration.ofSeconds((long) ((total - done) / rate)));
        err.printf("\r%s [%s%s] %,d/%,d  %,.0f/s  ETA %s   ", label, "#".repeat(filled), ".".repeat(WIDTH - filled),
            done, total, rate, eta);
        err.flush();
    }

    static String format(Duration d) {
        long s = d.getSeconds();
        return s >= 3600 ? String.format("%dh%02dm", s / 3600, s / 60 % 60)
            : s >= 60 ? String.format("%dm%02ds", s / 60, s % 60) : s + "s";
    }
}

package org.civicmail.server;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;

/**
 * Drops one known, harmless error, and only while the server stops: James's spool waits for the next message in a
 * transacted JMS session ({@code receive} with a 10 s timeout); closing the broker under it makes James log "Error
 * while rolling session back: The Session is closed" with a stack trace. Nothing is lost: a transacted session
 * closed without commit leaves its message in the KahaDB journal, delivered after the next start ({@code
 * DurabilityIT}, {@code WholeSystemStopIT}). Waiting out the receive instead would cost up to 10 s of every stop.
 * The same event outside a stop (a broker failing under a running server) still reaches the log.
 */
public final class ShutdownLogFilter extends Filter<ILoggingEvent> {
    private static volatile boolean stopping;

    /** Called when {@link CivicMailServer#close()} begins. */
    static void serverStopping() {
        stopping = true;
    }

    @Override
    public FilterReply decide(ILoggingEvent event) {
        if (stopping && event.getLoggerName().startsWith("org.apache.james.queue.jms") && closedJmsSession(event.getThrowableProxy())) {
            return FilterReply.DENY;
        }
        return FilterReply.NEUTRAL;
    }

    private static boolean closedJmsSession(IThrowableProxy thrown) {
        for (IThrowableProxy t = thrown; t != null; t = t.getCause()) {
            if (t.getClassName().equals("javax.jms.IllegalStateException") && String.valueOf(t.getMessage()).contains("is closed")) {
                return true;
            }
        }
        return false;
    }
}

package org.civicmail.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.spi.FilterReply;

class ShutdownLogFilterTest {
    private final LoggerContext context = new LoggerContext();

    private LoggingEvent event(String logger, Throwable thrown) {
        return new LoggingEvent("fqcn", context.getLogger(logger), Level.ERROR, "Error while rolling session back", thrown, null);
    }

    @Test
    void dropsOnlyTheClosedJmsSessionErrorAndOnlyWhileStopping() {
        ShutdownLogFilter filter = new ShutdownLogFilter();
        LoggingEvent closedSession = event("org.apache.james.queue.jms.JMSCacheableMailQueue",
            new javax.jms.IllegalStateException("The Session is closed"));
        // While running, a closed session is a real fault: it must be logged.
        assertThat(filter.decide(closedSession)).isEqualTo(FilterReply.NEUTRAL);

        ShutdownLogFilter.serverStopping();
        assertThat(filter.decide(closedSession)).isEqualTo(FilterReply.DENY);
        // Anything else during a stop still reaches the log.
        assertThat(filter.decide(event("org.apache.james.queue.jms.JMSCacheableMailQueue", new javax.jms.JMSException("broker down"))))
            .isEqualTo(FilterReply.NEUTRAL);
        assertThat(filter.decide(event("org.civicmail.broadcast.BroadcastService", new javax.jms.IllegalStateException("The Session is closed"))))
            .isEqualTo(FilterReply.NEUTRAL);
        assertThat(filter.decide(event("org.apache.james.queue.jms.JMSCacheableMailQueue", null))).isEqualTo(FilterReply.NEUTRAL);
    }
}

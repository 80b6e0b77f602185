package org.civicmail.james;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.inject.Inject;
import javax.jms.ConnectionFactory;

import org.apache.james.metrics.api.GaugeRegistry;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.queue.activemq.ActiveMQMailQueueFactory;
import org.apache.james.queue.activemq.metric.ActiveMQMetricCollector;
import org.apache.james.queue.api.MailQueueItemDecoratorFactory;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.queue.api.ManageableMailQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * James's ActiveMQ mail queues on our {@link InProcessBroker}. A subclass so that Guice constructs it (James's own
 * injectable constructor would start {@code EmbeddedActiveMQ}): an object Guice constructs gets its
 * {@code @PreDestroy} called at shutdown, which closes the queues' consumers before the broker they use stops. Its
 * queues are {@link StoppableSpoolQueue}s, whose dequeue loops begin when the start has finished
 * ({@link #startDequeuing()}) and end at the server's stop ({@link #stopDequeuing()}).
 */
public class SpoolQueueFactory extends ActiveMQMailQueueFactory {
    private static final Logger LOG = LoggerFactory.getLogger(SpoolQueueFactory.class);
    /** A loop notices the stop within one receive slice (0.2 s); this only bounds a dequeue stuck elsewhere. */
    private static final Duration DEQUEUE_STOP_LIMIT = Duration.ofSeconds(2);

    private final ActiveMQMetricCollector collector;
    private final List<StoppableSpoolQueue> queues = new CopyOnWriteArrayList<>();
    private final CountDownLatch started = new CountDownLatch(1);

    @Inject
    SpoolQueueFactory(ConnectionFactory broker, MailQueueItemDecoratorFactory decorators, MetricFactory metrics,
                      GaugeRegistry gauges, ActiveMQMetricCollector collector) {
        super(broker, decorators, metrics, gauges, collector);
        this.collector = collector;
    }

    @Override
    protected ManageableMailQueue createCacheableMailQueue(MailQueueName name) {
        collector.collectQueueStatistics(name);
        StoppableSpoolQueue queue = new StoppableSpoolQueue(connectionFactory, mailQueueItemDecoratorFactory, name,
            metricFactory, gaugeRegistry, started);
        queues.add(queue);
        return queue;
    }

    /**
     * Lets every queue take messages out: called once the start has finished what must come before any delivery (our
     * additions to James's schema). Until then queued mail waits in the journal; enqueueing works throughout.
     */
    public void startDequeuing() {
        started.countDown();
    }

    /**
     * Every queue stops taking messages out (the spool and remote delivery's outgoing queue); messages already taken
     * are processed to the end, the rest stay in the journal for the next start. Enqueueing still works, so a
     * transaction an SMTP session finishes during the stop is accepted (synced) and delivered after the restart.
     */
    public void stopDequeuing() {
        queues.forEach(StoppableSpoolQueue::stopDequeuing);
        long deadline = System.nanoTime() + DEQUEUE_STOP_LIMIT.toNanos();
        try {
            for (StoppableSpoolQueue queue : queues) {
                if (!queue.awaitDequeuingStopped(deadline)) {
                    LOG.warn("A spool queue was still taking a message out {} after the stop began; the spooler stops anyway "
                        + "(an unfinished message stays in the journal and is delivered after the next start)", DEQUEUE_STOP_LIMIT);
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package org.civicmail.james;

import javax.inject.Inject;
import javax.jms.ConnectionFactory;

import org.apache.james.metrics.api.GaugeRegistry;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.queue.activemq.ActiveMQMailQueueFactory;
import org.apache.james.queue.activemq.metric.ActiveMQMetricCollector;
import org.apache.james.queue.api.MailQueueItemDecoratorFactory;

/**
 * James's ActiveMQ mail queues on our {@link InProcessBroker}. A subclass only so that Guice constructs it (James's
 * own injectable constructor would start {@code EmbeddedActiveMQ}): an object Guice constructs gets its
 * {@code @PreDestroy} called at shutdown, which closes the queues' consumers before the broker they use stops.
 */
public class SpoolQueueFactory extends ActiveMQMailQueueFactory {
    @Inject
    SpoolQueueFactory(ConnectionFactory broker, MailQueueItemDecoratorFactory decorators, MetricFactory metrics,
                      GaugeRegistry gauges, ActiveMQMetricCollector collector) {
        super(broker, decorators, metrics, gauges, collector);
    }
}

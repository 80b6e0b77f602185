package org.civicmail.james;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import javax.jms.BytesMessage;
import javax.jms.ConnectionFactory;
import javax.jms.JMSException;
import javax.jms.Message;
import javax.jms.MessageConsumer;
import javax.jms.Session;
import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.apache.james.metrics.api.GaugeRegistry;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.queue.activemq.ActiveMQCacheableMailQueue;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueItemDecoratorFactory;
import org.apache.james.queue.api.MailQueueName;
import org.apache.mailet.Mail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * James's ActiveMQ mail queue with a dequeue loop that ends when told to ({@link #stopDequeuing()}).
 *
 * <p>Why: James waits for the next message with one {@code receive(10 s)} per transacted session, in a loop that only
 * ends with its subscription. After a load that loop runs on one of the spooler's threads, and the spooler's stop
 * waits for its threads at most 5 s (James's own limit): every stop after mail had flowed took those 5 s (issue 14,
 * thread dumps during the stop). Here the same wait is cut into short receives, and between two of them the loop
 * ends once the server stops: the spooler then only waits for mail being processed, which finishes and commits.
 *
 * <p>Same semantics as James's loop otherwise: one transacted session and consumer per message, the delivery-time
 * selector evaluated when the consumer is made and renewed at least every {@link #RECEIVE_WINDOW}, so delayed mail
 * (remote delivery retries) becomes due as before. A message received is handed on exactly as James does
 * ({@code createMailQueueItem}); one not yet received stays in the KahaDB journal for the next start.
 *
 * <p>The loop takes nothing out before the server's start has finished ({@code started}, opened after our additions
 * to James's schema): queued mail from before a crash is delivered only once the migrations and the trigger warm-up
 * ({@link TriggerWarmUp}) have committed, never beside them (their DDL and first trigger firings against deliveries
 * were a lock cycle Derby broke after its 20 s deadlock timeout). The wait is on the loop's own thread (James's queue
 * scheduler), so opening the gate runs nothing on the starting thread.
 *
 * <p>Enqueueing goes through {@link SpoolProducers} (a connection per concurrent sender) instead of James's one
 * shared session, so that concurrent SMTP transactions share the journal's syncs.
 */
final class StoppableSpoolQueue extends ActiveMQCacheableMailQueue {
    private static final Logger LOG = LoggerFactory.getLogger(StoppableSpoolQueue.class);
    /** James's receive timeout: how long one consumer (with one selector time) waits before it is renewed. */
    static final Duration RECEIVE_WINDOW = Duration.ofSeconds(10);
    /** How soon an idle loop notices the stop. */
    static final Duration RECEIVE_SLICE = Duration.ofMillis(200);

    private final SpoolProducers producers;
    /** Counted down once when the server's start has finished; shared by every queue of the factory. */
    private final CountDownLatch started;
    private volatile boolean stopping;
    /** Dequeues under way, counted until the message they took (if any) has been handed to the spooler. */
    private int dequeuing;

    StoppableSpoolQueue(ConnectionFactory connectionFactory, MailQueueItemDecoratorFactory decorators, MailQueueName name,
                        MetricFactory metrics, GaugeRegistry gauges, CountDownLatch started) {
        super(connectionFactory, decorators, name, true, metrics, gauges);
        this.started = started;
        this.producers = new SpoolProducers(connectionFactory, name.asString());
    }

    @Override
    protected void produceMail(Map<String, Object> properties, int priority, Mail mail)
        throws JMSException, MessagingException, IOException {
        producers.send(properties, priority, mail);
    }

    /** A message sent inline ({@link InlineSpoolMessages}) is read from itself; blob messages as James reads them. */
    @Override
    protected MimeMessage mimeMessage(Message message) throws MessagingException, JMSException {
        if (message instanceof BytesMessage inline) {
            return InlineSpoolMessages.mimeMessage(inline);
        }
        return super.mimeMessage(message);
    }

    /** James's {@code flush} re-sends each message as a copy; an inline one is copied with its content. */
    @Override
    protected Message copy(Session session, Message message) throws JMSException {
        if (message instanceof BytesMessage inline) {
            return InlineSpoolMessages.copy(session, inline);
        }
        return super.copy(session, message);
    }

    @Override
    public void dispose() {
        producers.close();
        super.dispose();
    }

    /** Ends the dequeue loop within {@link #RECEIVE_SLICE}; mail already handed on is processed to the end. */
    void stopDequeuing() {
        stopping = true;
    }

    /**
     * Waits until no dequeue is under way: a message received at the last moment has then been handed to the
     * spooler, whose threads must still accept it (disposing them first made James log "Scheduler unavailable" for
     * such a message, which stayed in the journal). Returns false if the time ran out.
     */
    synchronized boolean awaitDequeuingStopped(long deadlineNanos) throws InterruptedException {
        while (dequeuing > 0) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }

    @Override
    public Flux<MailQueue.MailQueueItem> deQueue() {
        return Mono.defer(() -> {
            changeDequeuing(1);
            // doFinally runs after the item went downstream (the spooler scheduled its processing) or on cancel.
            return nextItem().doFinally(signal -> changeDequeuing(-1));
        }).repeat(() -> !stopping);
    }

    private synchronized void changeDequeuing(int delta) {
        dequeuing += delta;
        if (dequeuing == 0) {
            notifyAll();
        }
    }

    private Mono<MailQueue.MailQueueItem> nextItem() {
        if (stopping) {
            return Mono.empty();
        }
        Session session = null;
        MessageConsumer consumer = null;
        try {
            if (!awaitStarted()) {
                return Mono.empty();
            }
            session = connection.createSession(true, Session.SESSION_TRANSACTED);
            consumer = session.createConsumer(session.createQueue(queueName.asString()), getMessageSelector());
            Message message = receive(consumer);
            if (message != null) {
                dequeuedMailsMetric.increment();
                return createMailQueueItem(session, consumer, message);
            }
            session.commit();
            close(consumer, session);
            return Mono.empty();
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            if (stopping) {
                // The stop interrupted the receive (the spooler's dequeue thread is shut down): nothing was received
                // in this session, or its rollback puts it back in the journal. Not an error, so not logged as one.
                quietRollback(session);
                close(consumer, session);
                return Mono.empty();
            }
            quietRollback(session);
            close(consumer, session);
            return Mono.error(new MailQueue.MailQueueException("Unable to dequeue next message from " + queueName.asString(), e));
        }
    }

    /** Waits, in receive slices, until the server has started; false if it stops first. */
    private boolean awaitStarted() throws InterruptedException {
        while (!stopping) {
            if (started.await(RECEIVE_SLICE.toMillis(), TimeUnit.MILLISECONDS)) {
                return true;
            }
        }
        return false;
    }

    /** Up to {@link #RECEIVE_WINDOW}, in slices, returning early (null) once stopping. */
    private Message receive(MessageConsumer consumer) throws JMSException {
        long deadline = System.nanoTime() + RECEIVE_WINDOW.toNanos();
        while (!stopping && System.nanoTime() < deadline) {
            Message message = consumer.receive(RECEIVE_SLICE.toMillis());
            if (message != null) {
                return message;
            }
        }
        return null;
    }

    private void quietRollback(Session session) {
        if (session == null) {
            return;
        }
        boolean interrupted = Thread.interrupted();
        try {
            session.rollback();
        } catch (JMSException e) {
            // A closed session has nothing left to roll back; what it had received is redelivered from the journal.
            LOG.debug("rollback of a spool session on {} failed: {}", queueName.asString(), e.toString());
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void close(MessageConsumer consumer, Session session) {
        closeConsumer(consumer);
        closeSession(session);
    }
}

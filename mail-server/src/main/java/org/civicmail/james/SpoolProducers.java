package org.civicmail.james;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;

import javax.jms.Connection;
import javax.jms.ConnectionFactory;
import javax.jms.JMSException;
import javax.jms.Message;
import javax.jms.MessageProducer;
import javax.jms.Session;

import org.apache.activemq.ActiveMQSession;
import org.apache.activemq.command.ActiveMQBlobMessage;
import org.apache.james.server.core.MimeMessageInputStream;
import org.apache.mailet.Mail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts mail into one spool queue from many threads at once, each on a connection of its own, so that the spool
 * journal can sync the messages of concurrent SMTP transactions together.
 *
 * <p>Why (issue 14): James's queue sends every message through one shared JMS session, and ActiveMQ's session holds
 * its send lock until the broker has answered, that is until the KahaDB journal has synced the message; over the
 * in-VM transport the broker also serves one connection's commands one after another. So with 20 SMTP sessions each
 * {@code 250} waited for every earlier message's sync in turn: one journal sync per message, one at a time (the
 * accept rate was ~104 msg/s on a quiet machine, about one sync time per message). With a connection per concurrent
 * sender the sends reach KahaDB together and its journal writes them in one batch with one sync; each send still
 * returns (and the SMTP transaction still gets its {@code 250}) only after that sync.
 *
 * <p>What is sent is what James's {@code ActiveMQCacheableMailQueue} sends (James's properties, persistent, at the
 * mail's priority), with the MIME message inside the JMS message when it is small ({@link InlineSpoolMessages}), else
 * as James's blob message (written to the blob directory first).
 * Idle producers are kept for the next sender; at most as many exist as senders ever ran at once (the SMTP
 * listeners' executor threads, 16 per listener). Thread-safe.
 */
final class SpoolProducers implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SpoolProducers.class);

    private record Producer(Connection connection, ActiveMQSession session, MessageProducer producer) {
    }

    private final ConnectionFactory broker;
    private final String queueName;
    private final ConcurrentLinkedDeque<Producer> idle = new ConcurrentLinkedDeque<>();
    private volatile boolean closed;

    SpoolProducers(ConnectionFactory broker, String queueName) {
        this.broker = broker;
        this.queueName = queueName;
    }

    /** Sends one mail; returns once the broker has stored it (for a persistent message: synced in the journal). */
    void send(Map<String, Object> properties, int priority, Mail mail) throws JMSException, javax.mail.MessagingException {
        Producer p = idle.pollFirst();
        if (p == null) {
            p = open();
        }
        boolean healthy = false;
        Message message = null;
        try {
            message = InlineSpoolMessages.fits(mail) ? InlineSpoolMessages.of(p.session(), mail)
                : p.session().createBlobMessage(new MimeMessageInputStream(mail.getMessage()));
            for (Map.Entry<String, Object> property : properties.entrySet()) {
                message.setObjectProperty(property.getKey(), property.getValue());
            }
            p.producer().send(message, Message.DEFAULT_DELIVERY_MODE, priority, Message.DEFAULT_TIME_TO_LIVE);
            healthy = true;
        } catch (JMSException e) {
            if (message instanceof ActiveMQBlobMessage blob) {
                deleteQuietly(blob);
            }
            throw e;
        } finally {
            if (healthy && !closed) {
                idle.offerFirst(p);
            } else {
                // A producer whose send failed may be in any state: it is not reused.
                close(p);
            }
        }
    }

    /** The blob of a message the broker refused: nothing refers to it (James removes it the same way). */
    private void deleteQuietly(ActiveMQBlobMessage blob) {
        try {
            blob.deleteFile();
        } catch (IOException | JMSException e) {
            LOG.debug("removing the blob of a refused spool message of {} failed: {}", queueName, e.toString());
        }
    }

    private Producer open() throws JMSException {
        Connection connection = broker.createConnection();
        try {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = session.createProducer(session.createQueue(queueName));
            return new Producer(connection, (ActiveMQSession) session, producer);
        } catch (JMSException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Producer p = idle.pollFirst(); p != null; p = idle.pollFirst()) {
            close(p);
        }
    }

    private void close(Producer p) {
        try {
            p.connection().close();
        } catch (JMSException e) {
            LOG.debug("closing a spool producer's connection to {} failed: {}", queueName, e.toString());
        }
    }
}

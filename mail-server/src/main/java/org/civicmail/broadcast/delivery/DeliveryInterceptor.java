package org.civicmail.broadcast.delivery;

/**
 * A seam around the {@link MailboxDelivery} the broadcasts store through: bound (Guice) only by tests, which use it
 * to make the mailbox database fail on demand or to hold a batch right before its commit; the server binds none,
 * and then {@link BroadcastStorage} stores straight through the delivery it chose.
 */
@FunctionalInterface
public interface DeliveryInterceptor {
    /** The delivery to use instead of {@code chosen} (which it may call). Called once, when the choice is made. */
    MailboxDelivery around(MailboxDelivery chosen);
}

package org.civicmail.broadcast.delivery;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import org.apache.james.events.EventBus;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.MailboxPathLocker;
import org.apache.james.mailbox.SubscriptionManager;
import org.civicmail.search.SubstringSearchIndex;
import org.apache.james.mailbox.model.MessageId;
import org.apache.james.mailbox.quota.MaxQuotaManager;
import org.apache.james.mailbox.quota.UserQuotaRootResolver;
import org.apache.james.mailbox.store.MailboxSessionMapperFactory;
import org.civicmail.james.JamesDatabase;
import org.civicmail.search.SharedContentIndexing;

/**
 * How broadcast copies reach mailboxes, as Guice bindings: one delivery journal and one search-index catch-up shared
 * by both deliveries (the direct table writer and the MailboxManager fallback); {@link BroadcastStorage} chooses.
 * Binds only: the catch-up thread is started by the composition root ({@code CivicMailServer}).
 */
public final class BroadcastDeliveryModule extends AbstractModule {
    @Provides
    @Singleton
    DeliveryJournal journal(JamesDatabase james) {
        return new DeliveryJournal(james);
    }

    @Provides
    @Singleton
    SearchIndexCatchUp searchIndex(JamesDatabase james, MailboxManager mailboxes, MailboxSessionMapperFactory mappers,
                                   SubstringSearchIndex index) {
        return new SearchIndexCatchUp(james, mailboxes, mappers, index);
    }

    @Provides
    @Singleton
    DirectTableDelivery direct(JamesDatabase james, UserQuotaRootResolver quotaRoots, MaxQuotaManager maxQuotas,
                               DeliveryJournal journal, EventBus events, MessageId.Factory messageIds,
                               SubstringSearchIndex index, MailboxManager mailboxes, MailboxPathLocker locker,
                               SearchIndexCatchUp searchIndex, SharedContentIndexing sharedIndexing) {
        return new DirectTableDelivery(new MailboxBatchWriter(james, quotaRoots, maxQuotas), journal,
            new MailboxAnnouncer(events, messageIds, index, sharedIndexing, mailboxes), locker, searchIndex);
    }

    @Provides
    @Singleton
    MailboxManagerDelivery api(MailboxManager mailboxes, SubscriptionManager subscriptions, DeliveryJournal journal) {
        return new MailboxManagerDelivery(mailboxes, subscriptions, journal);
    }
}

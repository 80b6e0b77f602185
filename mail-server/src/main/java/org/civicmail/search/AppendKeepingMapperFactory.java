package org.civicmail.search;

import javax.inject.Inject;
import javax.persistence.EntityManagerFactory;

import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.jpa.mail.JPAModSeqProvider;
import org.apache.james.mailbox.jpa.mail.JPAUidProvider;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MessageMetaData;
import org.apache.james.mailbox.store.mail.MessageMapper;
import org.apache.james.mailbox.store.mail.model.MailboxMessage;
import org.civicmail.james.RecentFlagResets;
import org.civicmail.james.RowLockingMapperFactory;
import org.civicmail.james.RowLockingMessageMapper;

/**
 * The mailbox store's mapper factory ({@link RowLockingMapperFactory}) whose message mappers keep each message they
 * append in {@link RecentAppends}, for the search index to index it from memory when its {@code Added} event comes.
 */
public final class AppendKeepingMapperFactory extends RowLockingMapperFactory {
    private final EntityManagerFactory entityManagers;
    private final JPAUidProvider uids;
    private final JPAModSeqProvider modSeqs;
    private final RecentFlagResets recentResets;
    private final RecentAppends appends;

    @Inject
    public AppendKeepingMapperFactory(EntityManagerFactory entityManagers, JPAUidProvider uids, JPAModSeqProvider modSeqs,
                                      RecentFlagResets recentResets, RecentAppends appends) {
        super(entityManagers, uids, modSeqs, recentResets);
        this.entityManagers = entityManagers;
        this.uids = uids;
        this.modSeqs = modSeqs;
        this.recentResets = recentResets;
        this.appends = appends;
    }

    @Override
    public MessageMapper createMessageMapper(MailboxSession session) {
        // Built with the same parts as RowLockingMapperFactory's own mappers (a constructor change there shows here).
        return new RowLockingMessageMapper(uids, modSeqs, entityManagers, recentResets) {
            @Override
            public MessageMetaData add(Mailbox mailbox, MailboxMessage message) throws MailboxException {
                MessageMetaData added = super.add(mailbox, message);
                appends.remember(mailbox.getMailboxId(), message);
                return added;
            }
        };
    }
}

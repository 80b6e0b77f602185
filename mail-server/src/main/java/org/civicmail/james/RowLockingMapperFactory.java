package org.civicmail.james;

import javax.inject.Inject;
import javax.persistence.EntityManagerFactory;

import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.jpa.JPAMailboxSessionMapperFactory;
import org.apache.james.mailbox.jpa.mail.JPAModSeqProvider;
import org.apache.james.mailbox.jpa.mail.JPAUidProvider;
import org.apache.james.mailbox.store.mail.MessageMapper;

/** James's JPA mapper factory, handing out {@link RowLockingMessageMapper}s (bound in place of James's own). */
public class RowLockingMapperFactory extends JPAMailboxSessionMapperFactory {
    private final EntityManagerFactory entityManagerFactory;
    private final JPAUidProvider uidProvider;
    private final JPAModSeqProvider modSeqProvider;
    private final RecentFlagResets recentResets;

    @Inject
    public RowLockingMapperFactory(EntityManagerFactory entityManagerFactory, JPAUidProvider uidProvider, JPAModSeqProvider modSeqProvider,
                                   RecentFlagResets recentResets) {
        super(entityManagerFactory, uidProvider, modSeqProvider);
        this.entityManagerFactory = entityManagerFactory;
        this.uidProvider = uidProvider;
        this.modSeqProvider = modSeqProvider;
        this.recentResets = recentResets;
    }

    @Override
    public MessageMapper createMessageMapper(MailboxSession session) {
        return new RowLockingMessageMapper(uidProvider, modSeqProvider, entityManagerFactory, recentResets);
    }
}

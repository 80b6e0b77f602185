package org.civicmail.james;

import java.time.Clock;

import javax.inject.Inject;

import org.apache.james.events.EventBus;
import org.apache.james.mailbox.MailboxPathLocker;
import org.apache.james.mailbox.SessionProvider;
import org.apache.james.mailbox.jpa.JPAMailboxSessionMapperFactory;
import org.apache.james.mailbox.jpa.openjpa.OpenJPAMailboxManager;
import org.apache.james.mailbox.model.MessageId;
import org.apache.james.mailbox.store.StoreMailboxAnnotationManager;
import org.apache.james.mailbox.store.StoreRightManager;
import org.apache.james.mailbox.store.mail.ThreadIdGuessingAlgorithm;
import org.apache.james.mailbox.store.mail.model.impl.MessageParser;
import org.apache.james.mailbox.store.quota.QuotaComponents;
import org.apache.james.mailbox.store.search.MessageSearchIndex;

/**
 * James's OpenJPA mailbox manager whose messages are appended, copied and moved under the server's one bound
 * {@link MailboxPathLocker}. James 3.8.1's {@code OpenJPAMailboxManager} makes a private {@code JVMMailboxPathLocker}
 * of its own and hands it to every message manager ({@code getLocker()}), so the folder locks that IMAP APPEND,
 * LMTP/SMTP delivery, COPY and MOVE took were not the locks the bound locker (the broadcast writer's) gave out, and
 * that private locker kept one lock per folder forever. Overriding {@code getLocker()} (James's own extension point,
 * read by {@code createMessageManager}) puts them on one locker, {@link EvictingMailboxPathLocker}. Folder creation
 * and rename still take James's private locker (they use its field directly); the unique index
 * {@code CM_MAILBOX_PATH} guards creation (JamesSchemaAdditions).
 */
public class LockSharingMailboxManager extends OpenJPAMailboxManager {
    private final MailboxPathLocker locker;

    @Inject
    public LockSharingMailboxManager(JPAMailboxSessionMapperFactory mapperFactory, SessionProvider sessionProvider,
                                     MessageParser messageParser, MessageId.Factory messageIdFactory, EventBus eventBus,
                                     StoreMailboxAnnotationManager annotationManager, StoreRightManager storeRightManager,
                                     QuotaComponents quotaComponents, MessageSearchIndex index,
                                     ThreadIdGuessingAlgorithm threadIdGuessingAlgorithm, Clock clock, MailboxPathLocker locker) {
        super(mapperFactory, sessionProvider, messageParser, messageIdFactory, eventBus, annotationManager, storeRightManager,
            quotaComponents, index, threadIdGuessingAlgorithm, clock);
        this.locker = locker;
    }

    @Override
    protected MailboxPathLocker getLocker() {
        return locker;
    }
}

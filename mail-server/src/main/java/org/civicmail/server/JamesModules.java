package org.civicmail.server;

import org.apache.james.NaiveDelegationStoreModule;
import org.apache.james.modules.MailboxModule;
import org.apache.james.modules.MailetProcessingModule;
import org.apache.james.modules.mailbox.DefaultEventModule;
import org.apache.james.modules.mailbox.MemoryDeadLetterModule;
import org.apache.james.modules.protocols.IMAPServerModule;
import org.apache.james.modules.protocols.ProtocolHandlerModule;
import org.apache.james.modules.protocols.SMTPServerModule;
import org.apache.james.modules.server.DataRoutesModules;
import org.apache.james.modules.server.DefaultProcessorsConfigurationProviderModule;
import org.apache.james.modules.server.InconsistencyQuotasSolvingRoutesModule;
import org.apache.james.modules.server.MailboxRoutesModule;
import org.apache.james.modules.server.NoJwtModule;
import org.apache.james.modules.server.RawPostDequeueDecoratorModule;
import org.apache.james.modules.server.ReIndexingModule;
import org.apache.james.modules.server.TaskManagerModule;
import org.apache.james.modules.server.WebAdminReIndexingTaskSerializationModule;
import org.apache.james.modules.server.WebAdminServerModule;
import org.apache.james.events.EventBus;
import org.civicmail.imap.condstore.CondstoreCapability;
import org.civicmail.imap.names.GuardedCommandParsers;
import org.civicmail.imap.view.SelectedViewModule;
import org.civicmail.james.ConcurrentKeysEventBus;
import org.civicmail.james.DerbyJpaModule;
import org.civicmail.james.JpaDataModule;
import org.civicmail.james.JpaMailboxModule;
import org.civicmail.james.PersistentQueueModule;

import com.google.inject.Module;
import com.google.inject.util.Modules;

/** The James modules CivicMail runs: James's JPA topology on Derby, wired by us (its JPA app jars are not published). */
final class JamesModules {
    private JamesModules() {
    }

    static Module all() {
        Module protocols = Modules.combine(
            // Over James's IMAP bindings: the command parsers' guard (a bad mailbox name answers NO, not a dropped
            // connection), the CAPABILITY processor that advertises CONDSTORE beside QRESYNC, and the processor chain
            // that announces a keyword (FLAGS) before a FETCH uses it.
            Modules.override(new IMAPServerModule()).with(new GuardedCommandParsers(), new CondstoreCapability(),
                new SelectedViewModule()),
            new ProtocolHandlerModule(),
            new SMTPServerModule(),
            new WebAdminServerModule(),
            new DataRoutesModules(),
            new MailboxRoutesModule(),
            new InconsistencyQuotasSolvingRoutesModule(),
            new ReIndexingModule(),
            new WebAdminReIndexingTaskSerializationModule());
        Module storage = Modules.combine(
            new DerbyJpaModule(),
            new JpaDataModule(),
            new JpaMailboxModule(),
            new PersistentQueueModule(),
            new MailboxModule(),
            new NaiveDelegationStoreModule(),
            new DefaultProcessorsConfigurationProviderModule(),
            new NoJwtModule(),
            new RawPostDequeueDecoratorModule(),
            // James's event bus with concurrent key registrations (ConcurrentKeysEventBus: no lost IMAP events).
            Modules.override(new DefaultEventModule()).with(binder -> binder.bind(EventBus.class).to(ConcurrentKeysEventBus.class)),
            new TaskManagerModule(),
            new MemoryDeadLetterModule());
        return Modules.combine(new MailetProcessingModule(), storage, protocols);
    }
}

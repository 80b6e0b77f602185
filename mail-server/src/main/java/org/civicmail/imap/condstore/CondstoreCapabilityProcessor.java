package org.civicmail.imap.condstore;

import javax.inject.Inject;

import org.apache.james.imap.api.ImapConfiguration;
import org.apache.james.imap.api.message.Capability;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.processor.CapabilityProcessor;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.metrics.api.MetricFactory;

/**
 * CAPABILITY that advertises CONDSTORE beside QRESYNC, as RFC 7162 section 3.2 requires of a QRESYNC server.
 * James 3.8.1 implements CONDSTORE (MODSEQ, CHANGEDSINCE, UNCHANGEDSINCE, HIGHESTMODSEQ) and our JPA mailbox keeps
 * mod-sequences persistently, but its {@code imapserver.xml} reader never sets {@code isCondstoreEnable}, whose
 * default hides CONDSTORE while QRESYNC stays advertised. Thunderbird syncs folders with CONDSTORE.
 */
public class CondstoreCapabilityProcessor extends CapabilityProcessor {
    @Inject
    public CondstoreCapabilityProcessor(MailboxManager mailboxManager, StatusResponseFactory factory, MetricFactory metricFactory) {
        super(mailboxManager, factory, metricFactory);
    }

    @Override
    public void configure(ImapConfiguration configuration) {
        ImapConfiguration.Builder withCondstore = ImapConfiguration.builder()
            .enableIdle(configuration.isEnableIdle())
            .idleTimeInterval(configuration.getIdleTimeInterval())
            .idleTimeIntervalUnit(configuration.getIdleTimeIntervalUnit())
            .disabledCaps(configuration.getDisabledCaps().stream().map(Capability::asString).toArray(String[]::new))
            .concurrentRequests(configuration.getConcurrentRequests())
            .maxQueueSize(configuration.getMaxQueueSize())
            .isProvisionDefaultMailboxes(configuration.isProvisionDefaultMailboxes())
            .withCustomProperties(configuration.getCustomProperties())
            .isCondstoreEnable(true);
        configuration.getAppendLimit().ifPresent(withCondstore::appendLimit);
        super.configure(withCondstore.build());
    }
}

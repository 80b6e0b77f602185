package org.civicmail.imap.condstore;

import javax.inject.Inject;

import org.apache.james.events.EventBus;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.api.process.SelectedMailbox;
import org.apache.james.imap.processor.ExamineProcessor;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.metrics.api.MetricFactory;

/** EXAMINE whose QRESYNC resync reports every expunged UID of the range ({@link VanishedRange}). */
public class QresyncExamineProcessor extends ExamineProcessor {
    @Inject
    public QresyncExamineProcessor(MailboxManager mailboxManager, EventBus eventBus, StatusResponseFactory factory,
                                  MetricFactory metricFactory) {
        super(mailboxManager, eventBus, factory, metricFactory);
    }

    @Override
    protected MessageRange normalizeMessageRange(SelectedMailbox selected, MessageRange range) {
        return VanishedRange.searchedAsGiven(range) ? range : super.normalizeMessageRange(selected, range);
    }
}

package org.civicmail.mailflow.delivery;

import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import javax.inject.Inject;
import javax.inject.Named;
import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.metrics.api.Metric;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.server.core.MailImpl;
import org.apache.james.server.core.MimeMessageInputStream;
import org.apache.james.transport.mailets.LocalDelivery;
import org.apache.james.user.api.UsersRepository;
import org.apache.james.user.api.UsersRepositoryException;
import org.apache.mailet.Mail;
import org.apache.mailet.StorageDirective;
import org.apache.mailet.base.GenericMailet;
import org.apache.mailet.base.RFC2822Headers;
import org.civicmail.broadcast.delivery.DirectTableDelivery;
import org.civicmail.broadcast.delivery.WriterSchema;
import org.civicmail.broadcast.store.Outcome;
import org.civicmail.james.JamesDatabase;
import org.apache.james.lifecycle.api.LifecycleUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * James's {@code LocalDelivery} (every recipient's INBOX), with the mails that the spooler's threads deliver at the
 * same moment written together: one transaction of James's mailbox database for the group ({@link GroupCommit},
 * {@link InboxWriter}) instead of James's JPA append per recipient (about ten statements in their own transactions,
 * OpenJPA's entity work, ≈ 30 % of the server's CPU per inbound message, README "Everyday mail beside Postfix").
 *
 * <p>What does not change: a mail leaves the spool only after this returns, and this returns only after its group
 * is committed (Derby's log written synchronously), so what got its {@code 250} is still never lost; IMAP sessions
 * (IDLE included) are told, quotas counted and the search index updated before the spool lets go. Same as James:
 * Return-Path set from the envelope, the mail consumed ({@code consume}, default true), recipients whose message
 * could not be stored (over quota, a failing database) handed to the error processor ({@code onMailetException},
 * default {@code error}) in one new mail.
 *
 * <p>James's own {@code LocalDelivery} is kept beside it and takes the whole mail when the fast path does not apply:
 * James's mailbox tables are not the ones the table writer was written for ({@link WriterSchema}, checked once, at
 * the first delivery, with one warning), or the mail asks for more than the INBOX (a target folder or flags set by
 * a mailet for a recipient, or per-recipient header fields).
 */
public class GroupedLocalDelivery extends GenericMailet {
    private static final Logger LOG = LoggerFactory.getLogger(GroupedLocalDelivery.class);
    /** Bounds one transaction: the spooler's threads (8) rarely hand in more than a few dozen recipients at once. */
    private static final int MAX_GROUP = 64;
    private static final String COUNTERS = "CM_MAILBOX_COUNTER";

    private final UsersRepository users;
    private final MailboxManager mailboxes;
    private final MetricFactory metrics;
    private final JamesDatabase database;
    private final GroupCommit<InboxWriter.Message, Outcome> groups;
    private LocalDelivery james;
    private Metric delivered;
    private boolean consume;
    private String errorProcessor;
    private Boolean tablesMatch;

    @Inject
    public GroupedLocalDelivery(UsersRepository users, @Named("mailboxmanager") MailboxManager mailboxes, MetricFactory metrics,
                                JamesDatabase database, DirectTableDelivery tables) {
        this.users = users;
        this.mailboxes = mailboxes;
        this.metrics = metrics;
        this.database = database;
        this.groups = new GroupCommit<>(new InboxWriter(tables), InboxWriter.Message::owner, MAX_GROUP);
    }

    @Override
    public void init() throws MessagingException {
        james = new LocalDelivery(users, mailboxes, metrics);
        james.init(getMailetConfig());
        delivered = metrics.generate(LocalDelivery.LOCAL_DELIVERED_MAILS_METRIC_NAME);
        consume = getInitParameter("consume", true);
        errorProcessor = getInitParameter("onMailetException", Mail.ERROR);
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        List<MailAddress> recipients = new ArrayList<>(mail.getRecipients());
        List<Username> owners = new ArrayList<>(recipients.size());
        for (MailAddress r : recipients) {
            owners.add(owner(r));
        }
        if (!tablesMatch() || needsJames(mail, recipients, owners)) {
            james.service(mail);
            return;
        }
        MimeMessage message = mail.getMessage();
        // As James's MailDispatcher: the envelope sender as Return-Path, replacing any the message brought.
        message.setHeader(RFC2822Headers.RETURN_PATH, mail.getMaybeSender().asPrettyString());
        byte[] content = content(message);
        List<InboxWriter.Message> items = new ArrayList<>(owners.size());
        for (Username owner : owners) {
            items.add(new InboxWriter.Message(owner.asString(), content));
        }
        List<GroupCommit.Result<Outcome>> results = groups.submit(items);
        List<MailAddress> errors = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
            GroupCommit.Result<Outcome> r = results.get(i);
            if (r.failure() != null) {
                LOG.error("Mail {} could not be stored for {}", mail.getName(), recipients.get(i).asString(), r.failure());
                errors.add(recipients.get(i));
            } else if (!r.output().delivered()) {
                LOG.warn("Mail {} not stored for {}: {}", mail.getName(), recipients.get(i).asString(), r.output().reason());
                errors.add(recipients.get(i));
            } else {
                if (r.output().reason() != null) {
                    LOG.warn("Mail {} for {}: {}", mail.getName(), recipients.get(i).asString(), r.output().reason());
                }
                delivered.increment();
            }
        }
        if (!errors.isEmpty() && !"ignore".equalsIgnoreCase(errorProcessor)) {
            Mail failed = MailImpl.builder()
                .name("error-" + mail.getName())
                .sender(mail.getMaybeSender())
                .addRecipients(errors)
                .mimeMessage(message)
                .state(errorProcessor)
                .build();
            try {
                getMailetContext().sendMail(failed);
            } finally {
                LifecycleUtil.dispose(failed);
            }
        }
        if (consume) {
            mail.setState(Mail.GHOST);
        }
    }

    /** The account a recipient's mail goes to, as James's SimpleMailStore finds it. */
    private Username owner(MailAddress recipient) {
        try {
            return users.getUsername(recipient);
        } catch (UsersRepositoryException e) {
            LOG.warn("Unable to retrieve username for {}", recipient.asPrettyString(), e);
            return Username.of(recipient.asString());
        }
    }

    /** Anything beyond "this message into each recipient's INBOX" is left to James. */
    private static boolean needsJames(Mail mail, List<MailAddress> recipients, List<Username> owners) {
        for (int i = 0; i < recipients.size(); i++) {
            StorageDirective directive = StorageDirective.fromMail(owners.get(i), mail);
            if (directive.getTargetFolder().isPresent() || directive.getFlags().isPresent()
                || !mail.getPerRecipientSpecificHeaders().getHeadersForRecipient(recipients.get(i)).isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /** The whole message as James's append would read it (header fields as changed by the mailets, then the body). */
    private static byte[] content(MimeMessage message) throws MessagingException {
        try (InputStream in = new MimeMessageInputStream(message)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new MessagingException("cannot read the message to store it: " + e.getMessage(), e);
        }
    }

    /**
     * Whether James's tables are the ones the table writer knows, and our additions it relies on are there; decided
     * once, at the first delivery that finds them. The spooler starts with James, before the start adds our tables and
     * indexes ({@code JamesSchemaAdditions}, after James): mail queued before a crash or an upgrade can reach this
     * first, so a problem that is only one of those additions missing is not remembered (that mail goes to James).
     */
    private synchronized boolean tablesMatch() {
        if (tablesMatch == null) {
            List<String> problems = new ArrayList<>();
            try (Connection c = database.connection()) {
                problems.addAll(WriterSchema.problems(c));
                // The writer reads and moves each folder's counters there (james.MailboxCounters); WriterSchema does not list it.
                try (ResultSet rs = c.getMetaData().getTables(null, "APP", COUNTERS, null)) {
                    if (!rs.next()) {
                        problems.add("table " + COUNTERS + " is missing");
                    }
                }
            } catch (SQLException e) {
                problems.add("its schema cannot be read: " + e.getMessage());
            }
            if (!problems.isEmpty() && problems.stream().allMatch(p -> p.contains("CM_"))) {
                LOG.debug("Local mail goes through James's LocalDelivery until the start has added {}", String.join("; ", problems));
                return false;
            }
            tablesMatch = problems.isEmpty();
            if (!tablesMatch) {
                LOG.warn("James's mailbox tables are not the ones the grouped local delivery was written for ({}); local mail is "
                    + "stored by James's LocalDelivery instead: correct, but slower.", String.join("; ", problems));
            }
        }
        return tablesMatch;
    }

    @Override
    public void destroy() {
        if (james != null) {
            james.destroy();
        }
    }

    @Override
    public String getMailetInfo() {
        return "CivicMail grouped local delivery";
    }
}

package org.civicmail.broadcast.delivery;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.LongConsumer;

import org.apache.james.mailbox.exception.OverQuotaException;
import org.civicmail.broadcast.input.Template;
import org.civicmail.broadcast.store.BroadcastJob;
import org.civicmail.broadcast.store.BroadcastStore;
import org.civicmail.broadcast.store.Outcome;
import org.civicmail.broadcast.store.RecipientRow;
import org.civicmail.server.CivicDatabase;
import org.civicmail.smime.SigningCredential;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one broadcast to the end, exactly once per recipient. Recipients are claimed in batches (state S,
 * committed), sent in parallel, and their outcomes recorded in one commit per batch. Recipients left in state S by
 * a crash are first looked up in their folder by Message-ID: found means delivered, so no second copy is made.
 * A recipient whose mailbox is over quota or whose account is disabled fails at once; other errors are retried
 * a few times, then the recipient fails with the error as reason.
 */
public final class BroadcastRunner {
    private static final Logger LOG = LoggerFactory.getLogger(BroadcastRunner.class);
    private static final int ATTEMPTS = 3;

    private final BroadcastStore store;
    private final MailboxWriter writer;
    private final MessageComposer composer;
    private final CivicDatabase db;
    private final ExecutorService workers;
    private final int batchSize;

    public BroadcastRunner(BroadcastStore store, MailboxWriter writer, MessageComposer composer, CivicDatabase db,
                           ExecutorService workers, int batchSize) {
        this.store = store;
        this.writer = writer;
        this.composer = composer;
        this.db = db;
        this.workers = workers;
        this.batchSize = batchSize;
    }

    /** What the runner needs about the sender: its display name and, for personalised kinds, a usable credential. */
    public record Sender(String address, String name, Optional<SigningCredential> credential) {
    }

    /** Runs until every recipient is delivered or failed; {@code progress} receives counts of finished recipients. */
    public void run(BroadcastJob job, Sender sender, LongConsumer progress) throws InterruptedException {
        Template template = job.kind().personalised() ? Template.parse("template", job.template().getBytes(StandardCharsets.UTF_8),
            "html", job.html() == null ? null : job.html().getBytes(StandardCharsets.UTF_8)) : null;
        List<RecipientRow> rows;
        while (!(rows = store.inDoubt(job.id(), batchSize)).isEmpty()) {
            LOG.info("Broadcast {}: checking {} recipient(s) interrupted mid-send", job.id(), rows.size());
            send(job, sender, template, rows, true, progress);
        }
        while (!(rows = store.claim(job.id(), batchSize)).isEmpty()) {
            send(job, sender, template, rows, false, progress);
        }
    }

    private void send(BroadcastJob job, Sender sender, Template template, List<RecipientRow> rows, boolean recovering,
                      LongConsumer progress) throws InterruptedException {
        Set<String> disabled = disabledAccounts();
        List<Future<Outcome>> futures = new ArrayList<>(rows.size());
        for (RecipientRow row : rows) {
            Callable<Outcome> task = () -> deliver(job, sender, template, row, recovering, disabled);
            futures.add(workers.submit(task));
        }
        List<Outcome> outcomes = new ArrayList<>(rows.size());
        try {
            for (Future<Outcome> f : futures) {
                outcomes.add(f.get());
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("broadcast " + job.id() + " worker failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            futures.forEach(f -> f.cancel(true));
            throw e;
        }
        store.record(job.id(), outcomes);
        progress.accept(outcomes.size());
        LOG.info("Broadcast {}: batch of {} recorded", job.id(), outcomes.size());
    }

    private Outcome deliver(BroadcastJob job, Sender sender, Template template, RecipientRow row, boolean recovering,
                            Set<String> disabled) {
        String messageId = composer.messageId(job.id(), row.address());
        String folder = job.kind().folder();
        Exception last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                if (recovering && writer.contains(row.address(), folder, messageId)) {
                    return Outcome.delivered(row.seq(), Instant.now());
                }
                if (disabled.contains(row.address())) {
                    return Outcome.failed(row.seq(), "account disabled", Instant.now());
                }
                Date date = new Date();
                byte[] message;
                if (job.kind().personalised()) {
                    if (sender.credential().isEmpty()) {
                        return Outcome.failed(row.seq(), "the signing certificate of " + sender.address()
                            + " is no longer usable (revoked, expired or agency disabled)", Instant.now());
                    }
                    Path attachment = row.attachment().map(Path::of).orElse(null);
                    byte[] attachmentBytes = null;
                    if (attachment != null) {
                        try {
                            attachmentBytes = Files.readAllBytes(attachment);
                        } catch (IOException e) {
                            return Outcome.failed(row.seq(), "attachment " + attachment + " cannot be read: " + e.getMessage(), Instant.now());
                        }
                    }
                    MessageComposer.Content content = new MessageComposer.Content(sender.address(), sender.name(),
                        template.subject(row.fields()), template.body(row.fields()), template.html(row.fields()), attachment, attachmentBytes);
                    message = composer.signPersonal(job.id(), job.kind(), content, sender.credential().get(), date, row.address(), messageId);
                } else {
                    message = MessageComposer.addressed(job.signedNotice(), row.address(), messageId);
                }
                writer.append(row.address(), folder, message, date);
                return Outcome.delivered(row.seq(), Instant.now());
            } catch (OverQuotaException e) {
                return Outcome.failed(row.seq(), "mailbox over quota", Instant.now());
            } catch (Exception e) {
                last = e;
                if (Thread.currentThread().isInterrupted()) {
                    // Stopping: leave the recipient in state S; the next run checks its folder.
                    throw new java.util.concurrent.CancellationException("stopped while sending to " + row.address());
                }
                // After a failed append the message may or may not be stored: look before retrying.
                recovering = true;
            }
        }
        LOG.warn("Broadcast {}: {} failed after {} attempt(s)", job.id(), row.address(), ATTEMPTS, last);
        return Outcome.failed(row.seq(), "delivery error: " + last, Instant.now());
    }

    private Set<String> disabledAccounts() {
        Set<String> disabled = new HashSet<>();
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("SELECT ADDRESS FROM CM_ACCOUNT WHERE DISABLED = TRUE");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                disabled.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read disabled accounts: " + e.getMessage(), e);
        }
        return disabled;
    }
}

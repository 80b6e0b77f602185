package org.civicmail.broadcast.delivery;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;

import org.apache.james.mailbox.exception.MailboxException;
import org.civicmail.broadcast.input.Template;
import org.civicmail.broadcast.store.BroadcastJob;
import org.civicmail.broadcast.store.BroadcastStore;
import org.civicmail.broadcast.store.Outcome;
import org.civicmail.broadcast.store.RecipientRow;
import org.civicmail.account.AccountStore;
import org.civicmail.smime.SigningCredential;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one broadcast to the end, exactly once per recipient. Pending recipients are taken in batches; their
 * messages are composed (signed) in parallel, stored by {@link MailboxBatchWriter} in one transaction together
 * with a journal row each, and the outcomes recorded in one commit per batch. After a crash, a recipient that is
 * journaled but has no outcome is recorded as delivered: journaled means stored, so no second copy is made.
 * A recipient whose mailbox is over quota or whose account is disabled fails at once; a batch whose transaction
 * fails is retried, then its recipients one by one, and a recipient that still fails gets the error as reason.
 * A mailbox database that keeps failing ({@link #MAX_FAILURES_IN_A_ROW} store attempts in a row, whichever lane)
 * stops the broadcast, resumable: its recipients not yet served stay pending for {@code broadcast resume}.
 *
 * <p>Each batch is judged by {@link DeliveryCheck} against live state when it is stored: every copy carries the
 * {@code X-CivicMail-Signature} verdict computed then (a notice's copies share one signature, so one verification
 * per batch stands for all of them; personalised copies are verified one by one), and the batch's transaction runs
 * inside a {@link DeliveryCheck.Hold} on the agency's account and its certificate, taken and checked right before
 * it: a revocation or disable either committed before (the batch sees it and stores nothing) or waits until the
 * batch has committed. A verdict other than valid, a revoked certificate or a disabled agency stops the broadcast
 * for good (its remaining recipients are recorded as not sent): no copy is committed after the revocation under the
 * revoked signature.
 */
public final class BroadcastRunner {
    private static final Logger LOG = LoggerFactory.getLogger(BroadcastRunner.class);
    private static final int ATTEMPTS = 3;
    /** Batches in flight per broadcast; two keep both cores of the target machine busy (measured, BROADCAST.md). */
    private static final int LANES = 2;
    /**
     * Failed store attempts in a row (any lane, any batch) after which the database is taken to be down and the
     * broadcast stops, resumable; one recipient that cannot be stored costs {@link #ATTEMPTS}, then a success (begun
     * after the last failure) resets.
     */
    static final int MAX_FAILURES_IN_A_ROW = 10;
    /** Journal rows settled at a time after a crash: what is held of a broadcast's journal, whatever its size. */
    private static final int SETTLE_SLICE = 5_000;

    private final BroadcastStore store;
    private final MailboxDelivery delivery;
    private final SearchIndexCatchUp index;
    private final MessageComposer composer;
    private final AccountStore accounts;
    private final ExecutorService workers;
    private final int batchSize;
    private final DeliveryCheck check;
    /** Each running notice's signed message without any status header, and parsed, once per run. */
    private final Map<String, Notice> notices = new ConcurrentHashMap<>();

    /**
     * {@code stamped}: the notice with each verdict it was delivered under in front, made once per verdict (one in a
     * run, unless the certificate's revocation status changes meanwhile). A copy is a stamped notice with its
     * recipient's fields in front, so the search index analyses the verdict once with the notice's text, not once
     * per copy (it was about two thirds of what each copy's own header fields cost the index).
     */
    private record Notice(byte[] bytes, StoredMessageLayout layout, Map<String, StoredMessageLayout> stamped) {
        StoredMessageLayout stampedWith(String verdict) {
            return stamped.computeIfAbsent(verdict, v -> layout.withHeaderPrefix(VerdictStamp.line(v)));
        }
    }

    public BroadcastRunner(BroadcastStore store, MailboxDelivery delivery, SearchIndexCatchUp index, MessageComposer composer,
                           AccountStore accounts, ExecutorService workers, int batchSize, DeliveryCheck check) {
        this.check = check;
        this.store = store;
        this.delivery = delivery;
        this.index = index;
        this.composer = composer;
        this.accounts = accounts;
        this.workers = workers;
        this.batchSize = batchSize;
    }

    /** What the runner needs about the sender: its display name and, for personalised kinds, a usable credential. */
    public record Sender(String address, String name, Optional<SigningCredential> credential) {
    }

    /**
     * Why a broadcast stopped. {@code resumable}: its recipients not yet served stay pending (the database failed);
     * otherwise they are recorded as not sent (the signature or the agency is no longer good).
     */
    public record Stopped(String reason, boolean resumable) {
    }

    /** One run's shared state between its lanes: why it stops, and store failures in a row. */
    private static final class RunState {
        final AtomicReference<Stopped> stop = new AtomicReference<>();
        /** Recipients of store attempts that failed: such an attempt may have committed (its reply lost). */
        final Set<Integer> unconfirmed = ConcurrentHashMap.newKeySet();
        private long failures;
        private int failuresInARow;

        /** Failures so far, taken when an attempt starts. */
        synchronized long failures() {
            return failures;
        }

        /**
         * A store that succeeded ends the row only if it began after the last failure: one that began before says
         * nothing about the database now (a slow commit must not hide the failures of the other lane meanwhile).
         */
        synchronized void succeeded(long failuresWhenStarted) {
            if (failures == failuresWhenStarted) {
                failuresInARow = 0;
            }
        }

        /** Counts a failed store; returns the failures in a row. */
        synchronized int failed() {
            failures++;
            return ++failuresInARow;
        }

        boolean stopping() {
            return stop.get() != null;
        }

        void stop(String reason) {
            stop.compareAndSet(null, new Stopped(reason, false));
        }
    }

    /**
     * Runs until every recipient is delivered or failed, or until the broadcast must stop; {@code progress} receives
     * counts of finished recipients. Recipients whose message was stored before a crash are settled from the journal
     * first; then {@link #LANES} lanes take batches of pending recipients (through one cursor, so each batch goes to
     * one lane) and store them side by side, so that one lane's transaction commits while the other composes. The
     * search index waits until the broadcast is done.
     *
     * @return empty when every recipient was served; why the broadcast stopped (then recorded as stopped in the
     *         store, with every recipient not served failed with that reason unless the stop is resumable)
     */
    public Optional<Stopped> run(BroadcastJob job, Sender sender, LongConsumer progress) throws InterruptedException {
        Template template = job.kind().personalised() ? Template.parse("template", job.template().getBytes(StandardCharsets.UTF_8),
            "html", job.html() == null ? null : job.html().getBytes(StandardCharsets.UTF_8)) : null;
        index.deferWhile(true);
        ExecutorService lanes = Executors.newFixedThreadPool(LANES, r -> {
            Thread t = new Thread(r, Thread.currentThread().getName() + "-lane");
            t.setDaemon(true);
            return t;
        });
        RunState state = new RunState();
        try {
            settleFromJournal(job, progress);
            Object cursorLock = new Object();
            int[] cursor = {0};
            List<Future<Void>> running = new ArrayList<>();
            for (int i = 0; i < LANES; i++) {
                running.add(lanes.submit(() -> {
                    List<RecipientRow> batch;
                    while (!state.stopping()) {
                        synchronized (cursorLock) {
                            batch = store.pendingAfter(job.id(), cursor[0], batchSize);
                            if (!batch.isEmpty()) {
                                cursor[0] = batch.get(batch.size() - 1).seq();
                            }
                        }
                        if (batch.isEmpty()) {
                            return null;
                        }
                        send(job, sender, template, batch, progress, state);
                    }
                    return null;
                }));
            }
            try {
                for (Future<Void> lane : running) {
                    lane.get();
                }
                // Both lanes have ended: every stored copy has its outcome recorded, so the rest can be failed.
                Stopped stopped = state.stop.get();
                if (stopped == null) {
                    forgetJournal(job);
                } else if (stopped.resumable()) {
                    String reason = stopped.reason() + accountForUnconfirmed(job, state.unconfirmed, progress);
                    store.pause(job.id(), reason, Instant.now());
                    LOG.warn("Broadcast {} stopped (resumable with `broadcast resume {}`): {}", job.id(), job.id(), reason);
                } else {
                    store.stop(job.id(), stopped.reason(), Instant.now());
                    forgetJournal(job);
                    LOG.warn("Broadcast {} stopped: {}", job.id(), stopped.reason());
                }
                return Optional.ofNullable(stopped);
            } catch (ExecutionException e) {
                running.forEach(f -> f.cancel(true));
                Throwable cause = e.getCause();
                if (cause instanceof RuntimeException r) {
                    throw r;
                }
                throw new IllegalStateException("broadcast " + job.id() + " failed: " + cause, cause);
            } catch (InterruptedException e) {
                running.forEach(f -> f.cancel(true));
                throw e;
            }
        } finally {
            lanes.shutdownNow();
            notices.remove(job.id());
            index.deferWhile(false);
        }
    }

    /** Composes, judges and stores one batch; sets the run's stop (and stores nothing) when the broadcast must stop. */
    private void send(BroadcastJob job, Sender sender, Template template, List<RecipientRow> rows, LongConsumer progress,
                      RunState state) throws InterruptedException {
        List<Outcome> outcomes = new ArrayList<>(rows.size());
        long t0 = System.nanoTime();
        Optional<String> agencyStop = check.agencyStopReason(job.agency());
        if (agencyStop.isEmpty() && job.kind().personalised() && sender.credential().isEmpty()) {
            agencyStop = Optional.of(check.whyNoCredential(job.agency()));
        }
        if (agencyStop.isPresent()) {
            state.stop(agencyStop.get());
            return;
        }
        String noticeVerdict = null;
        BigInteger signerSerial;
        if (job.kind().personalised()) {
            signerSerial = sender.credential().orElseThrow().certificate().getSerialNumber();
        } else {
            RecipientRow first = rows.get(0);
            DeliveryCheck.Judgement judged = check.judge(VerdictStamp.concat(MessageComposer.recipientHeaders(job.signedNotice(),
                first.address(), composer.messageId(job.id(), first.address())), notice(job).bytes()));
            if (judged.stopReason().isPresent()) {
                state.stop(judged.stopReason().get());
                return;
            }
            noticeVerdict = judged.headerValue();
            signerSerial = judged.signerSerial().orElseThrow();
        }
        String sharedVerdict = noticeVerdict;
        Set<String> disabled = accounts.disabledAddresses();
        List<Future<Composed>> futures = new ArrayList<>(rows.size());
        for (RecipientRow row : rows) {
            Callable<Composed> task = () -> compose(job, sender, template, row, disabled, sharedVerdict);
            futures.add(workers.submit(task));
        }
        List<MailboxBatchWriter.Delivery> deliveries = new ArrayList<>(rows.size());
        try {
            for (Future<Composed> f : futures) {
                Composed composed = f.get();
                if (composed.stopReason() != null) {
                    state.stop(composed.stopReason());
                } else if (composed.failure() != null) {
                    outcomes.add(composed.failure());
                } else {
                    deliveries.add(composed.delivery());
                }
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("broadcast " + job.id() + " worker failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            futures.forEach(f -> f.cancel(true));
            throw e;
        }
        // Signatures made one by one: a copy's verdict once more right before storing (signing took a while). The
        // agency's account and the certificate's revocation are checked inside the hold the batch is stored in.
        if (!state.stopping() && job.kind().personalised() && !deliveries.isEmpty()) {
            StoredMessageLayout sample = deliveries.get(0).layout();
            check.judge(VerdictStamp.unstamped(VerdictStamp.concat(sample.header(), sample.body()))).stopReason().ifPresent(state::stop);
        }
        if (state.stopping()) {
            return;
        }
        long t1 = System.nanoTime();
        Optional<List<Outcome>> stored = store(job, signerSerial, deliveries, state);
        if (stored.isEmpty()) {
            return;
        }
        outcomes.addAll(stored.get());
        long t2 = System.nanoTime();
        store.record(job.id(), outcomes);
        forgetJournaled(job, outcomes);
        long t3 = System.nanoTime();
        index.poke();
        progress.accept(outcomes.size());
        LOG.info("Broadcast {}: batch of {} recorded (compose {} ms, store {} ms, record {} ms)", job.id(), outcomes.size(),
            (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, (t3 - t2) / 1_000_000);
    }

    /** These outcomes are recorded: their recipients' journal rows are not needed for recovery any more. */
    private void forgetJournaled(BroadcastJob job, List<Outcome> recorded) {
        try {
            delivery.recorded(job.id(), recorded.stream().map(Outcome::seq).toList());
        } catch (SQLException e) {
            // Harmless: recovery skips recipients with an outcome, and the rows are deleted when the broadcast finishes.
            LOG.warn("Broadcast {}: cannot delete the journal rows of {} recorded recipient(s) now (deleted when it finishes): {}",
                job.id(), recorded.size(), e.toString());
        }
    }

    /** Every recipient has its outcome recorded: the journal is not needed for recovery any more. */
    private void forgetJournal(BroadcastJob job) {
        try {
            delivery.finished(job.id());
        } catch (SQLException e) {
            // Harmless: the rows only take space; the next finished broadcast does not clean them up, though.
            LOG.warn("Broadcast {}: cannot clear its delivery journal: {}", job.id(), e.toString());
        }
    }

    /**
     * After a crash: recipients whose message was stored (journaled with it, in the same transaction) but whose
     * outcome was not recorded yet are recorded as delivered, so the lanes send only to the others. On a broadcast
     * that never stopped the journal holds nothing without an outcome.
     */
    private void settleFromJournal(BroadcastJob job, LongConsumer progress) {
        long journaled = 0;
        long settled = 0;
        int after = 0;
        while (true) {
            SortedMap<Integer, Outcome> stored;
            try {
                stored = delivery.settle(job.id(), after, SETTLE_SLICE);
            } catch (SQLException | MailboxException e) {
                throw new IllegalStateException("broadcast " + job.id() + ": cannot read the delivery journal: " + e.getMessage(), e);
            }
            if (stored.isEmpty()) {
                break;
            }
            journaled += stored.size();
            Set<Integer> open = store.withoutOutcome(job.id(), stored.firstKey(), stored.lastKey());
            List<Outcome> slice = new ArrayList<>();
            stored.forEach((seq, outcome) -> {
                if (open.contains(seq)) {
                    slice.add(outcome);
                }
            });
            for (int i = 0; i < slice.size(); i += batchSize) {
                List<Outcome> part = slice.subList(i, Math.min(slice.size(), i + batchSize));
                store.record(job.id(), part);
                forgetJournaled(job, part);
                progress.accept(part.size());
            }
            settled += slice.size();
            after = stored.lastKey();
        }
        if (journaled > 0) {
            LOG.info("Broadcast {}: journal holds {} stored message(s); {} of them had no recorded outcome and are now delivered",
                job.id(), journaled, settled);
        }
    }

    /**
     * A resumable stop comes from failed store attempts, and a failed attempt may have committed with only its reply
     * lost. So that the stopped broadcast's counts and report say who has a copy, the journal is read once more: its
     * stored recipients are recorded delivered, and the rest of those attempts are known not stored. When the journal
     * cannot be read either (the database is down), those recipients stay pending with a note in the report, and the
     * stop reason says how many; {@code broadcast resume} settles them from the journal first, so no one gets a
     * second copy.
     *
     * @return what to add to the stop reason (empty when every stored copy is accounted for)
     */
    private String accountForUnconfirmed(BroadcastJob job, Set<Integer> attempted, LongConsumer progress) {
        if (attempted.isEmpty()) {
            return "";
        }
        try {
            settleFromJournal(job, progress);
            return "";
        } catch (RuntimeException e) {
            LOG.warn("Broadcast {}: cannot read the delivery journal at the stop either: {}", job.id(), e.toString());
        }
        TreeSet<Integer> open = new TreeSet<>(attempted);
        open.retainAll(store.withoutOutcome(job.id(), open.first(), open.last()));
        if (open.isEmpty()) {
            return "";
        }
        store.note(job.id(), open, UNCONFIRMED);
        return "; " + open.size() + " of them were in store attempts whose commit was not confirmed and may already have "
            + "their copy (marked in `broadcast report`); resume settles them from the delivery journal first, so none gets "
            + "a second copy";
    }

    /** The report's note on a pending recipient that may already have its copy (see {@link #accountForUnconfirmed}). */
    static final String UNCONFIRMED = "commit not confirmed: the copy may already be stored; `broadcast resume` settles "
        + "this from the delivery journal";

    /**
     * Stores the batch (see {@link #tryStore}); when the whole batch keeps failing, each message is tried on its own
     * so that one bad recipient fails alone. Empty when the broadcast must stop; then nothing more of the batch was
     * stored, and its recipients not stored stay without outcome (a recipient that failed alone just before the
     * database was found to be down is not counted as failed: it is tried again on resume).
     */
    private Optional<List<Outcome>> store(BroadcastJob job, BigInteger signerSerial, List<MailboxBatchWriter.Delivery> deliveries,
                                          RunState state) throws InterruptedException {
        Attempted whole = tryStore(job, signerSerial, deliveries, state);
        if (whole.outcomes() != null) {
            return Optional.of(whole.outcomes());
        }
        if (whole.failure() == null) {
            return Optional.empty();
        }
        List<Outcome> outcomes = new ArrayList<>(deliveries.size());
        Set<Integer> failedAlone = new HashSet<>();
        for (MailboxBatchWriter.Delivery d : deliveries) {
            Attempted one = deliveries.size() == 1 ? whole : tryStore(job, signerSerial, List.of(d), state);
            if (one.outcomes() != null) {
                outcomes.addAll(one.outcomes());
            } else if (one.failure() != null) {
                LOG.warn("Broadcast {}: {} failed after {} attempt(s)", job.id(), d.address(), ATTEMPTS, one.failure());
                outcomes.add(Outcome.failed(d.seq(), "delivery error: " + one.failure(), Instant.now()));
                failedAlone.add(d.seq());
            } else {
                outcomes.removeIf(o -> failedAlone.contains(o.seq()));
                return outcomes.isEmpty() ? Optional.empty() : Optional.of(outcomes);
            }
        }
        return Optional.of(outcomes);
    }

    /** What {@link #tryStore} came to: the outcomes, or the last failure, or neither (the broadcast must stop). */
    private record Attempted(List<Outcome> outcomes, Exception failure) {
    }

    /**
     * Up to {@link #ATTEMPTS} tries to store the deliveries in one transaction, each inside a {@link DeliveryCheck.Hold}
     * taken (and checked) right before it. A failed transaction stored nothing, so it is simply tried again (and a
     * transaction whose commit succeeded but whose reply was lost is recognised by the journal: no second copy).
     */
    private Attempted tryStore(BroadcastJob job, BigInteger signerSerial, List<MailboxBatchWriter.Delivery> deliveries, RunState state)
            throws InterruptedException {
        Exception last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            if (state.stopping()) {
                return new Attempted(null, null);
            }
            long failuresBefore = state.failures();
            try (DeliveryCheck.Hold hold = check.hold(job.agency(), signerSerial)) {
                Optional<String> why = hold.stopReason();
                if (why.isPresent()) {
                    state.stop(why.get());
                    return new Attempted(null, null);
                }
                List<Outcome> outcomes = delivery.deliver(job.id(), job.kind().folder(), deliveries);
                state.succeeded(failuresBefore);
                return new Attempted(outcomes, null);
            } catch (SQLException | MailboxException | RuntimeException e) {
                last = e;
                deliveries.forEach(d -> state.unconfirmed.add(d.seq()));
                int inARow = state.failed();
                LOG.warn("Broadcast {}: storing a batch of {} failed (attempt {}, {} in a row): {}", job.id(), deliveries.size(), attempt,
                    inARow, e.toString());
                if (inARow >= MAX_FAILURES_IN_A_ROW) {
                    state.stop.compareAndSet(null, new Stopped("the mailbox database failed " + inARow + " times in a row (last: "
                        + e + "); recipients not yet served are still pending: `broadcast resume " + job.id()
                        + "` continues once the database works again", true));
                    return new Attempted(null, null);
                }
                Thread.sleep(100L * attempt);
            }
        }
        return new Attempted(null, last);
    }

    /** The signed notice as stored for every copy: any verdict baked in by earlier versions removed, parsed once. */
    private Notice notice(BroadcastJob job) {
        return notices.computeIfAbsent(job.id(), id -> {
            byte[] bytes = VerdictStamp.unstamped(job.signedNotice());
            return new Notice(bytes, StoredMessageLayout.of(bytes), new ConcurrentHashMap<>());
        });
    }

    /** A recipient's signed message, or why there is none, or why the whole broadcast must stop. */
    private record Composed(MailboxBatchWriter.Delivery delivery, Outcome failure, String stopReason) {
        static Composed failed(int seq, String reason) {
            return new Composed(null, Outcome.failed(seq, reason, Instant.now()), null);
        }

        static Composed stop(String reason) {
            return new Composed(null, null, reason);
        }
    }

    /**
     * One recipient's copy with its verdict: a notice's copy gets {@code noticeVerdict} (judged for the batch); a
     * personalised copy is signed and then verified on its own.
     */
    private Composed compose(BroadcastJob job, Sender sender, Template template, RecipientRow row, Set<String> disabled,
                             String noticeVerdict) throws Exception {
        if (disabled.contains(row.address())) {
            return Composed.failed(row.seq(), "account disabled");
        }
        String messageId = composer.messageId(job.id(), row.address());
        Instant now = Instant.now();
        Date date = Date.from(now);
        StoredMessageLayout message;
        if (job.kind().personalised()) {
            Path attachment = row.attachment().map(Path::of).orElse(null);
            byte[] attachmentBytes = null;
            if (attachment != null) {
                try {
                    attachmentBytes = Files.readAllBytes(attachment);
                } catch (IOException e) {
                    return Composed.failed(row.seq(), "attachment " + attachment + " cannot be read: " + e.getMessage());
                }
            }
            MessageComposer.Content content = new MessageComposer.Content(sender.address(), sender.name(),
                template.subject(row.fields()), template.body(row.fields()), template.html(row.fields()), attachment, attachmentBytes);
            byte[] signed = VerdictStamp.unstamped(composer.signPersonal(job.id(), job.kind(), content, sender.credential().orElseThrow(),
                date, row.address(), messageId));
            DeliveryCheck.Judgement judged = check.judge(signed);
            if (judged.stopReason().isPresent()) {
                return Composed.stop(judged.stopReason().get());
            }
            message = StoredMessageLayout.of(VerdictStamp.concat(VerdictStamp.line(judged.headerValue()), signed));
        } else {
            // Delivered-To on top, the verdict below it: trace fields are prepended in the order they are added.
            message = notice(job).stampedWith(noticeVerdict).withHeaderPrefix(
                MessageComposer.recipientHeaders(job.signedNotice(), row.address(), messageId));
        }
        return new Composed(new MailboxBatchWriter.Delivery(row.seq(), row.address(), message, now), null, null);
    }
}

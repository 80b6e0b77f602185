package org.civicmail.broadcast;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import javax.inject.Inject;
import javax.inject.Singleton;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.civicmail.broadcast.BroadcastRefusedException.Reason;
import org.civicmail.broadcast.delivery.BroadcastRunner;
import org.civicmail.broadcast.delivery.BroadcastStorage;
import org.civicmail.broadcast.delivery.SearchIndexCatchUp;
import org.civicmail.broadcast.delivery.MessageComposer;
import org.civicmail.broadcast.evidence.EvidenceSigner;
import org.civicmail.broadcast.input.BroadcastPlan;
import org.civicmail.broadcast.input.BroadcastPlanner;
import org.civicmail.broadcast.input.BroadcastRequest;
import org.civicmail.broadcast.store.BroadcastJob;
import org.civicmail.broadcast.store.BroadcastStore;
import org.civicmail.broadcast.store.Counts;
import org.civicmail.broadcast.store.RecipientRow;
import org.civicmail.account.Account;
import org.civicmail.account.AccountStore;
import org.civicmail.smime.AccountKeyStore;
import org.civicmail.smime.SigningCredential;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * The broadcast service: validates ({@link #plan}), stores and starts ({@link #submit}) broadcasts, reports on them,
 * and resumes unfinished ones when the server starts ({@link #resumeUnfinished}). Each running broadcast has one job
 * thread; the per-recipient work (signing, storing) shares one pool sized for the machine. Thread-safe singleton.
 */
@Singleton
public class BroadcastService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BroadcastService.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final DateTimeFormatter ID_DATE = DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final BroadcastStore store;
    private final BroadcastPlanner planner;
    private final MessageComposer composer;
    private final AccountStore accounts;
    private final AccountKeyStore keys;
    private final BroadcastRunner runner;
    private final SearchIndexCatchUp searchIndex;
    private final BroadcastStorage storage;
    private final ExecutorService jobs;
    private final ExecutorService workers;
    private final Map<String, Future<?>> running = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> progress = new ConcurrentHashMap<>();

    /** The job threads (one per running broadcast) and the shared per-recipient workers; closed with the service. */
    public record Pools(ExecutorService jobs, ExecutorService workers) {
    }

    /** The parts come from {@link BroadcastModule}; nothing runs until {@link #start}. */
    @Inject
    public BroadcastService(BroadcastStore store, BroadcastPlanner planner, MessageComposer composer, AccountStore accounts,
                            AccountKeyStore keys, BroadcastStorage storage, BroadcastRunner runner, Pools pools) {
        this.store = store;
        this.accounts = accounts;
        this.keys = keys;
        this.planner = planner;
        this.composer = composer;
        this.jobs = pools.jobs();
        this.workers = pools.workers();
        this.storage = storage;
        this.searchIndex = storage.searchIndex();
        this.runner = runner;
    }

    /** Starts the search-index catch-up of delivered copies (called once by the composition root). */
    public void start() {
        searchIndex.start();
    }

    /** Validates everything; throws {@link BroadcastRefusedException} listing every problem. Stores nothing. */
    public BroadcastPlan plan(BroadcastRequest request) {
        return planner.plan(request);
    }

    /** The first recipient's message as it will read (before signing), for --dry-run. */
    public String preview(BroadcastPlan plan) {
        BroadcastPlan.Recipient first = plan.recipients().first();
        StringBuilder s = new StringBuilder();
        s.append("From: ").append(plan.agency().name()).append(" <").append(plan.agency().address()).append(">\n");
        s.append("To: ").append(first.address()).append(first.rowNumber() > 0 ? "   (row " + first.rowNumber() + ")" : "").append('\n');
        s.append("Subject: ").append(plan.template().subject(first.fields())).append('\n');
        s.append("Folder: ").append(plan.kind().folder()).append(" (").append(plan.kind().englishFolder()).append(")\n");
        s.append("Signed by: ").append(plan.credential()).append('\n');
        first.attachment().ifPresent(a -> s.append("Attachment: ").append(a.getFileName()).append('\n'));
        s.append('\n').append(plan.template().body(first.fields()));
        if (plan.template().hasHtml()) {
            s.append("\n[HTML part]\n").append(plan.template().html(first.fields()));
        }
        return s.toString();
    }

    /** Stores the broadcast (a notice is signed here, once) and starts sending it; returns its id. */
    public String submit(BroadcastPlan plan) {
        String id = ID_DATE.format(Instant.now()) + "-" + HexFormat.of().formatHex(randomBytes());
        Instant now = Instant.now();
        byte[] signedNotice = null;
        String subject;
        if (plan.kind().personalised()) {
            subject = plan.template().rawSubject();
        } else {
            subject = plan.template().subject(Map.of());
            try {
                signedNotice = composer.signNotice(id, plan.kind(), new MessageComposer.Content(plan.agency().address(), plan.agency().name(),
                    subject, plan.template().body(Map.of()), plan.template().html(Map.of()), null, null), plan.credential(), new Date());
            } catch (Exception e) {
                throw new IllegalStateException("cannot sign the notice as " + plan.agency().address() + ": " + e.getMessage(), e);
            }
        }
        int stored = store.create(id, plan, subject, signedNotice, now);
        LOG.info("Broadcast {} created by {}: {} to {} recipient(s) ({})", id, plan.agency().address(), plan.kind(),
            stored, plan.origin());
        start(id);
        return id;
    }

    private static byte[] randomBytes() {
        byte[] b = new byte[4];
        RANDOM.nextBytes(b);
        return b;
    }

    /** Starts (or finds) the job thread of a stored, unfinished broadcast. */
    public synchronized Future<?> start(String id) {
        Future<?> existing = running.get(id);
        if (existing != null && !existing.isDone()) {
            return existing;
        }
        BroadcastJob job = store.job(id).orElseThrow(() -> notFound(id));
        AtomicLong done = new AtomicLong(store.counts(id).done());
        progress.put(id, done);
        Future<?> future = jobs.submit(() -> {
            try {
                runToEnd(job, done);
            } catch (InterruptedException e) {
                LOG.info("Broadcast {} paused by shutdown; it resumes when the server starts", id);
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                LOG.error("Broadcast {} stopped: {}; it resumes when the server starts again", id, e.toString(), e);
                throw e;
            }
            return null;
        });
        running.put(id, future);
        return future;
    }

    private void runToEnd(BroadcastJob job, AtomicLong done) throws InterruptedException {
        if (job.state().ended()) {
            return;
        }
        Optional<SigningCredential> credential = keys.usable(job.agency());
        String name = accounts.find(job.agency()).map(Account::name).orElse(job.agency());
        Optional<BroadcastRunner.Stopped> stopped = runner.run(job, new BroadcastRunner.Sender(job.agency(), name, credential),
            done::addAndGet);
        if (stopped.isPresent()) {
            // No signed summary: the agency's signature stopped being good, or the rest waits for `broadcast resume`.
            return;
        }
        Counts counts = store.counts(job.id());
        Instant finished = Instant.now();
        byte[] evidence = credential.map(c -> EvidenceSigner.sign(summary(job, counts, finished, c), c)).orElse(null);
        if (evidence == null) {
            LOG.warn("Broadcast {}: the summary has no signed evidence: the signing certificate of {} is no longer usable",
                job.id(), job.agency());
        }
        store.finish(job.id(), finished, evidence);
        LOG.info("Broadcast {} finished: {} delivered, {} failed", job.id(), counts.delivered(), counts.failed());
    }

    private byte[] summary(BroadcastJob job, Counts counts, Instant finished, SigningCredential credential) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("broadcast", job.id());
        s.put("agency", job.agency());
        s.put("agencyCertificateSerial", credential.certificate().getSerialNumber().toString(16));
        s.put("kind", job.kind().cliName());
        s.put("audience", job.audience());
        s.put("subject", job.subject());
        s.put("origin", job.origin());
        s.put("recipients", counts.total());
        s.put("delivered", counts.delivered());
        s.put("failed", counts.failed());
        s.put("templateSha256", job.templateSha256());
        s.put("dataSha256", job.dataSha256());
        s.put("reportSha256", reportSha256(job.id()));
        s.put("createdAt", job.createdAt().toString());
        s.put("finishedAt", finished.toString());
        try {
            return JSON.writeValueAsBytes(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Resumes every broadcast that was running when the server stopped or died. Returns their ids. */
    public List<String> resumeUnfinished() {
        storage.chosen(); // checks James's schema now, at start, rather than at the first broadcast
        List<String> ids = store.unfinished();
        for (String id : ids) {
            LOG.info("Resuming broadcast {}", id);
            start(id);
        }
        return ids;
    }

    /**
     * Resumes a broadcast that stopped because the mailbox database kept failing: its pending recipients are sent
     * (each exactly once: the delivery journal settles what was stored before the stop). A broadcast stopped for its
     * signature or its agency cannot be resumed: its remaining recipients were recorded as not sent.
     */
    public synchronized void resume(String id) {
        BroadcastStatus status = requireStatus(id);
        if (status.job().state() != BroadcastJob.State.STOPPED) {
            throw new BroadcastRefusedException(Reason.BAD_INPUT, "broadcast " + id + " is " + status.state()
                + "; only a stopped broadcast can be resumed");
        }
        if (!store.resume(id)) {
            throw new BroadcastRefusedException(Reason.BAD_INPUT, "broadcast " + id + " was stopped for good ("
                + status.job().stopReason().orElse("?") + "); every recipient not served was recorded as not sent, nothing is left to resume");
        }
        LOG.info("Broadcast {} resumed by request", id);
        start(id);
    }

    public Optional<Future<?>> running(String id) {
        return Optional.ofNullable(running.get(id));
    }

    /** Recipients finished (delivered or failed) so far, as counted by the running job (cheap to poll). */
    public long progress(String id) {
        AtomicLong done = progress.get(id);
        return done != null ? done.get() : store.counts(id).done();
    }

    public Optional<BroadcastStatus> status(String id) {
        return store.job(id).map(job -> new BroadcastStatus(job, store.counts(id), job.state() == BroadcastJob.State.FINISHED
            && store.evidence(id).isPresent()));
    }

    public BroadcastStatus requireStatus(String id) {
        return status(id).orElseThrow(() -> notFound(id));
    }

    private static BroadcastRefusedException notFound(String id) {
        return new BroadcastRefusedException(Reason.NOT_FOUND, "no broadcast '" + id + "'; `./civicmail broadcast list` shows them");
    }

    public List<BroadcastJob> list(Optional<String> agency, int limit) {
        return store.list(agency, limit);
    }

    /** The CMS-signed summary (DER), once the broadcast has finished. */
    public Optional<byte[]> evidence(String id) {
        return store.evidence(id);
    }

    /** Per-recipient outcome as CSV: seq, address, row, status, delivered_at (UTC, ISO 8601), reason. */
    public void writeReport(String id, Writer out) throws IOException {
        requireStatus(id);
        try (CSVPrinter csv = new CSVPrinter(out, CSVFormat.DEFAULT.builder()
            .setHeader("seq", "address", "row", "status", "delivered_at", "reason").build())) {
            store.forEachRecipient(id, r -> print(csv, r));
            csv.flush();
        }
    }

    private static void print(CSVPrinter csv, RecipientRow r) {
        try {
            csv.printRecord(r.seq(), r.address(), r.rowNumber() == 0 ? "" : r.rowNumber(), RecipientRow.stateName(r.state()),
                r.deliveredAt().map(Instant::toString).orElse(""), r.reason().orElse(""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SHA-256 of the report's UTF-8 bytes, written straight into the digest (a million lines are never one string). */
    private String reportSha256(String id) {
        MessageDigest digest = BroadcastPlanner.sha256Digest();
        try (Writer out = new OutputStreamWriter(new DigestOutputStream(OutputStream.nullOutputStream(), digest), StandardCharsets.UTF_8)) {
            writeReport(id, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    public String reportCsv(String id) {
        StringWriter out = new StringWriter();
        try {
            writeReport(id, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** Broadcast messages stored but not yet in the search index (they are indexed after the broadcasts finish). */
    public long searchIndexBacklog() {
        try {
            return searchIndex.backlog();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the broadcast delivery journal: " + e.getMessage(), e);
        }
    }

    public MessageComposer composer() {
        return composer;
    }

    @Override
    public void close() {
        searchIndex.close();
        jobs.shutdownNow();
        workers.shutdownNow();
        try {
            jobs.awaitTermination(10, TimeUnit.SECONDS);
            workers.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

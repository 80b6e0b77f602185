package org.civicmail.broadcast.delivery;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.james.core.Domain;
import org.apache.james.core.Username;
import org.apache.james.core.quota.QuotaLimitValue;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.model.MailboxConstants;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.model.UidValidity;
import org.apache.james.mailbox.quota.MaxQuotaManager;
import org.apache.james.mailbox.quota.UserQuotaRootResolver;
import org.apache.james.mailbox.store.mail.model.Property;
import org.civicmail.broadcast.store.Outcome;
import org.civicmail.james.JamesDatabase;

/**
 * Stores a whole batch of broadcast messages into recipients' folders in ONE transaction of James's mailbox
 * database, written in James 3.8.1's JPA schema (JAMES_MAIL, JAMES_MAIL_PROPERTY, JAMES_MAILBOX, JAMES_SUBSCRIPTION,
 * JAMES_QUOTA_CURRENTQUOTA), together with a journal row per recipient (CM_BC_DELIVERY).
 *
 * <p>Why below James's MailboxManager: an append through it costs about ten Derby transactions (UID, modseq,
 * message, quota, subscription, sequence blocks), which caps a broadcast at a few hundred messages/s. Why it stays
 * correct: UIDs and modseqs come from the mailbox row updated inside the transaction (James's own UID provider
 * locks the same row, so the two serialise); row ids come from OpenJPA's sequence row, advanced in its own short
 * transaction the same way OpenJPA advances it; a folder created here is protected from a concurrent IMAP CREATE by
 * the unique index CM_MAILBOX_PATH. Why exactly once: the journal row commits or rolls back with the message, so
 * after a crash {@link DeliveryJournal#journaled} tells which recipients of a batch already have their copy.
 *
 * <p>It sends no mailbox events itself: {@link DirectTableDelivery} holds James's folder locks around it and then
 * announces what it returns. Every statement on James's tables is in this class, and {@link WriterSchema} lists
 * what they rely on; a James upgrade that changes those tables changes these two classes (or makes broadcasts fall
 * back to {@link MailboxManagerDelivery}). Thread-safe: each call uses its own connection.
 */
public final class MailboxBatchWriter {
    /** OpenJPA's default sequence (TableJDBCSeq, row ID 0) from which James's JPA entities take their ids. */
    private static final String ALLOCATE_IDS = "UPDATE OPENJPA_SEQUENCE_TABLE SET SEQUENCE_VALUE = SEQUENCE_VALUE + ? WHERE ID = 0";
    private static final String INSERT_SEQUENCE = "INSERT INTO OPENJPA_SEQUENCE_TABLE (ID, SEQUENCE_VALUE) VALUES (0, ?)";
    private static final String READ_SEQUENCE = "SELECT SEQUENCE_VALUE FROM OPENJPA_SEQUENCE_TABLE WHERE ID = 0";

    private final JamesDatabase james;
    private final UserQuotaRootResolver quotaRoots;
    private final MaxQuotaManager maxQuotas;

    public MailboxBatchWriter(JamesDatabase james, UserQuotaRootResolver quotaRoots, MaxQuotaManager maxQuotas) {
        this.james = james;
        this.quotaRoots = quotaRoots;
        this.maxQuotas = maxQuotas;
    }

    /** One message for one recipient; {@code seq} is the recipient's number in its broadcast. */
    public record Delivery(int seq, String address, StoredMessageLayout layout, Instant internalDate) {
        public static Delivery of(int seq, String address, byte[] message, Instant internalDate) {
            return new Delivery(seq, address, StoredMessageLayout.of(message), internalDate);
        }
    }

    /** A message the batch stored: what James's {@code Added} event tells about it. */
    public record StoredMessage(int seq, String owner, long mailboxId, long uidValidity, long uid, long modSeq, StoredMessageLayout layout,
                                Instant internalDate) {
    }

    /** Outcomes of a batch (one per delivery) and the messages it stored. */
    public record BatchResult(List<Outcome> outcomes, List<StoredMessage> stored) {
    }

    /**
     * Stores every delivery of the batch, or nothing (on SQLException the transaction is rolled back and the batch
     * can be retried as a whole). A recipient whose mailbox would go over quota gets a failed outcome and no message.
     * {@code broadcastId} null: local mail from the spool ({@code mailflow.delivery}), not journaled: the spool keeps
     * the mail until this returns, so its exactly-once is the spool's (delivered again only after a crash in between,
     * as James's own LocalDelivery). Each address at most once per batch (a new quota row is inserted once).
     */
    public BatchResult store(String broadcastId, String folder, List<Delivery> deliveries) throws SQLException {
        List<Outcome> outcomes = new ArrayList<>(deliveries.size());
        List<StoredMessage> stored = new ArrayList<>(deliveries.size());
        if (deliveries.isEmpty()) {
            return new BatchResult(outcomes, stored);
        }
        List<StoredMessageLayout> layouts = deliveries.stream().map(Delivery::layout).toList();
        try (Connection c = james.connection()) {
            c.setAutoCommit(false);
            try (Statements s = new Statements(c)) {
                // Reads and decisions first (one lookup per recipient), then the writes, each row executed at once:
                // embedded Derby runs a JDBC batch row by row anyway, and a batch kept a clone of every row's
                // parameters (the message bytes included) until it ran, megabytes per batch that outlived young
                // collections and filled the old generation of the launcher's small heap (full collections).
                Map<String, Folder> folders = findFolders(s, folder, deliveries);
                int missing = (int) deliveries.stream().filter(d -> !folders.containsKey(d.address())).count();
                int propertyRows = layouts.stream().mapToInt(l -> l.properties().size()).sum();
                IdBlock ids = allocateIds(2 * missing + propertyRows);
                Limits limits = new Limits();
                List<Folder> created = new ArrayList<>();
                List<QuotaChange> quotas = new ArrayList<>(deliveries.size());
                // One delivery time for the batch: its copies are committed together (and recorded in runs, BroadcastStore).
                Instant at = Instant.now();
                for (int i = 0; i < deliveries.size(); i++) {
                    Delivery d = deliveries.get(i);
                    StoredMessageLayout layout = layouts.get(i);
                    Username user = Username.of(d.address());
                    String root = quotaRoots.forUser(user).getValue();
                    Usage usage = usage(s, root);
                    Optional<String> over = limits.exceeded(usage, user.getDomainPart().orElse(Domain.LOCALHOST), layout.size());
                    if (over.isPresent()) {
                        outcomes.add(Outcome.failed(d.seq(), over.get(), Instant.now()));
                        continue;
                    }
                    Folder f = folders.get(d.address());
                    if (f == null) {
                        f = new Folder(ids.next(), d.address(), UidValidity.generate().asLong(), 0, 0, true);
                        folders.put(d.address(), f);
                        created.add(f);
                    }
                    f.lastUid++;
                    f.highestModSeq++;
                    quotas.add(new QuotaChange(root, usage.exists()));
                    outcomes.add(Outcome.delivered(d.seq(), at));
                    stored.add(new StoredMessage(d.seq(), d.address(), f.id, f.uidValidity, f.lastUid, f.highestModSeq, layout, d.internalDate()));
                }
                // Folders before their messages (JAMES_MAIL's foreign key), then the counters moved on.
                createFolders(c, folder, created, ids);
                advanceUids(s, folders.values());
                for (int i = 0; i < stored.size(); i++) {
                    StoredMessage m = stored.get(i);
                    insertMessage(s, m, ids);
                    PreparedStatement quota = quotas.get(i).exists() ? s.addQuota : s.insertQuota;
                    quota.setLong(1, m.layout().size());
                    quota.setString(2, quotas.get(i).root());
                    quota.executeUpdate();
                    if (broadcastId == null) {
                        continue;
                    }
                    s.journal.setString(1, broadcastId);
                    s.journal.setInt(2, m.seq());
                    s.journal.setLong(3, m.mailboxId());
                    s.journal.setLong(4, m.uid());
                    s.journal.setTimestamp(5, Timestamp.from(at));
                    s.journal.executeUpdate();
                }
                c.commit();
                return new BatchResult(outcomes, stored);
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    private static final class Folder {
        final long id;
        final String owner;
        final long readLastUid;
        final long readHighestModSeq;
        final boolean isNew;
        final long uidValidity;
        long lastUid;
        long highestModSeq;

        Folder(long id, String owner, long uidValidity, long lastUid, long highestModSeq, boolean isNew) {
            this.uidValidity = uidValidity;
            this.id = id;
            this.owner = owner;
            this.readLastUid = lastUid;
            this.readHighestModSeq = highestModSeq;
            this.lastUid = lastUid;
            this.highestModSeq = highestModSeq;
            this.isNew = isNew;
        }
    }

    private static Map<String, Folder> findFolders(Statements s, String folder, List<Delivery> deliveries) throws SQLException {
        Map<String, Folder> found = new HashMap<>();
        for (Delivery d : deliveries) {
            s.findFolder.setString(1, d.address());
            s.findFolder.setString(2, MailboxConstants.USER_NAMESPACE);
            s.findFolder.setString(3, folder);
            try (ResultSet rs = s.findFolder.executeQuery()) {
                if (rs.next()) {
                    found.put(d.address(), new Folder(rs.getLong(1), d.address(), rs.getLong(4), rs.getLong(2), rs.getLong(3), false));
                }
            }
        }
        return found;
    }

    /**
     * Moves each existing folder's UID and modseq counters to what the batch used, on condition that they still
     * hold what was read: if James appended to the folder meanwhile, the update matches no row and the whole batch
     * is rolled back and retried (the UIDs it chose are taken). From here to the commit, James's UID provider
     * waits on the row lock.
     */
    private static void advanceUids(Statements s, Collection<Folder> folders) throws SQLException {
        List<Folder> advanced = new ArrayList<>();
        for (Folder f : folders) {
            if (f.isNew || f.lastUid == f.readLastUid) {
                continue;
            }
            s.advanceUid.setLong(1, f.lastUid);
            s.advanceUid.setLong(2, f.highestModSeq);
            s.advanceUid.setLong(3, f.id);
            s.advanceUid.setLong(4, f.readLastUid);
            s.advanceUid.setLong(5, f.readHighestModSeq);
            s.advanceUid.addBatch();
            advanced.add(f);
        }
        int[] counts = s.advanceUid.executeBatch();
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] != 1) {
                throw new SQLException("folder " + advanced.get(i).id + " of " + advanced.get(i).owner
                    + " received a message while the broadcast batch was being stored; the batch is retried", "40001");
            }
        }
    }

    /**
     * Creates the folder (and its subscription, so IMAP clients show it) for recipients who have none yet, with
     * the UID and modseq counters already at what the batch used.
     */
    private static void createFolders(Connection c, String folder, List<Folder> created, IdBlock ids) throws SQLException {
        if (created.isEmpty()) {
            return;
        }
        try (PreparedStatement mailbox = c.prepareStatement("INSERT INTO JAMES_MAILBOX (MAILBOX_ID, MAILBOX_HIGHEST_MODSEQ, "
                + "MAILBOX_LAST_UID, MAILBOX_NAME, MAILBOX_NAMESPACE, MAILBOX_UID_VALIDITY, USER_NAME) VALUES (?, ?, ?, ?, ?, ?, ?)");
             PreparedStatement subscribed = c.prepareStatement(
                 "SELECT 1 FROM JAMES_SUBSCRIPTION WHERE USER_NAME = ? AND MAILBOX_NAME = ?");
             PreparedStatement subscribe = c.prepareStatement(
                 "INSERT INTO JAMES_SUBSCRIPTION (SUBSCRIPTION_ID, MAILBOX_NAME, USER_NAME) VALUES (?, ?, ?)")) {
            for (Folder f : created) {
                mailbox.setLong(1, f.id);
                mailbox.setLong(2, f.highestModSeq);
                mailbox.setLong(3, f.lastUid);
                mailbox.setString(4, folder);
                mailbox.setString(5, MailboxConstants.USER_NAMESPACE);
                mailbox.setLong(6, f.uidValidity);
                mailbox.setString(7, f.owner);
                mailbox.addBatch();
                long subscriptionId = ids.next();
                String path = MailboxPath.forUser(Username.of(f.owner), folder).asEscapedString();
                subscribed.setString(1, f.owner);
                subscribed.setString(2, path);
                try (ResultSet rs = subscribed.executeQuery()) {
                    if (rs.next()) {
                        continue;
                    }
                }
                subscribe.setLong(1, subscriptionId);
                subscribe.setString(2, path);
                subscribe.setString(3, f.owner);
                subscribe.addBatch();
            }
            // A concurrent IMAP CREATE of the same folder makes this fail on CM_MAILBOX_PATH; the batch is retried.
            mailbox.executeBatch();
            subscribe.executeBatch();
        }
    }

    /** The quota row of a stored message's owner: moved on, or made (it did not exist when the batch read it). */
    private record QuotaChange(String root, boolean exists) {
    }

    private static void insertMessage(Statements s, StoredMessage stored, IdBlock ids) throws SQLException {
        StoredMessageLayout layout = stored.layout();
        PreparedStatement m = s.mail;
        m.setLong(1, stored.mailboxId());
        m.setLong(2, stored.uid());
        m.setInt(3, layout.header().length);
        m.setLong(4, layout.size());
        m.setTimestamp(5, Timestamp.from(stored.internalDate()));
        m.setString(6, layout.mediaType());
        m.setLong(7, stored.modSeq());
        m.setString(8, layout.subType());
        if (layout.textualLineCount() == null) {
            m.setNull(9, java.sql.Types.BIGINT);
        } else {
            m.setLong(9, layout.textualLineCount());
        }
        m.setBytes(10, layout.body());
        m.setBytes(11, layout.header());
        m.executeUpdate();
        int line = 0;
        for (Property p : layout.properties()) {
            PreparedStatement ps = s.property;
            ps.setLong(1, ids.next());
            ps.setInt(2, line++);
            ps.setString(3, p.getLocalName());
            ps.setString(4, p.getNamespace());
            ps.setString(5, p.getValue());
            ps.setLong(6, stored.mailboxId());
            ps.setLong(7, stored.uid());
            ps.executeUpdate();
        }
    }

    /** The recipient's current usage (JAMES_QUOTA_CURRENTQUOTA) and own limits (JAMES_MAX_USER_*), in one query. */
    private record Usage(boolean exists, long count, long bytes, Long maxBytes, Long maxCount) {
    }

    private static Usage usage(Statements s, String root) throws SQLException {
        for (int i = 1; i <= 4; i++) {
            s.usage.setString(i, root);
        }
        try (ResultSet rs = s.usage.executeQuery()) {
            rs.next();
            long count = rs.getLong(1);
            boolean exists = !rs.wasNull();
            long bytes = rs.getLong(2);
            long maxBytes = rs.getLong(3);
            Long ownMaxBytes = rs.wasNull() ? null : maxBytes;
            long maxCount = rs.getLong(4);
            Long ownMaxCount = rs.wasNull() ? null : maxCount;
            return new Usage(exists, count, bytes, ownMaxBytes, ownMaxCount);
        }
    }

    /**
     * Limits as James applies them: the user's own (JAMES_MAX_USER_*; -1 = unlimited), else the domain's, else the
     * global one. Domain and global values come from James's MaxQuotaManager and are read once per batch.
     */
    private final class Limits {
        private final Map<String, Optional<Long>> fallback = new HashMap<>();

        Optional<String> exceeded(Usage usage, Domain domain, long size) {
            Optional<Long> maxBytes = usage.maxBytes() != null ? own(usage.maxBytes()) : fallback(true, domain);
            Optional<Long> maxCount = usage.maxCount() != null ? own(usage.maxCount()) : fallback(false, domain);
            if (maxBytes.isPresent() && usage.bytes() + size > maxBytes.get()) {
                return Optional.of("mailbox over quota");
            }
            if (maxCount.isPresent() && usage.count() + 1 > maxCount.get()) {
                return Optional.of("mailbox over quota (message count)");
            }
            return Optional.empty();
        }

        private Optional<Long> own(long stored) {
            return stored < 0 ? Optional.empty() : Optional.of(stored);
        }

        private Optional<Long> fallback(boolean storage, Domain domain) {
            return fallback.computeIfAbsent((storage ? "storage" : "message") + " quota of domain " + domain.asString(), what -> storage
                ? limit(what, () -> maxQuotas.getDomainMaxStorage(domain), maxQuotas::getGlobalMaxStorage)
                : limit(what, () -> maxQuotas.getDomainMaxMessage(domain), maxQuotas::getGlobalMaxMessage));
        }

        /** The domain's limit, else the global one; empty when none is set or it is unlimited. */
        private <T extends QuotaLimitValue<T>> Optional<Long> limit(String what, LimitRead<T> domainLimit, LimitRead<T> globalLimit) {
            try {
                Optional<T> limit = domainLimit.read();
                if (limit.isEmpty()) {
                    limit = globalLimit.read();
                }
                return limit.filter(l -> !l.isUnlimited()).map(QuotaLimitValue::asLong);
            } catch (MailboxException e) {
                throw new IllegalStateException("cannot read the " + what + ": " + e.getMessage(), e);
            }
        }
    }

    @FunctionalInterface
    private interface LimitRead<T> {
        Optional<T> read() throws MailboxException;
    }

    /**
     * Takes {@code n} ids from OpenJPA's sequence in a transaction of its own (as OpenJPA does), so the sequence row
     * is never held locked while the batch runs. Ids left unused after a rollback are only a gap.
     */
    private IdBlock allocateIds(int n) throws SQLException {
        if (n == 0) {
            return new IdBlock(0, 0);
        }
        try (Connection c = james.connection()) {
            c.setAutoCommit(false);
            try (PreparedStatement bump = c.prepareStatement(ALLOCATE_IDS);
                 PreparedStatement read = c.prepareStatement(READ_SEQUENCE)) {
                bump.setLong(1, n);
                if (bump.executeUpdate() != 1) {
                    // A new database: OpenJPA creates the row (starting at 1) on its first id; do the same. If
                    // OpenJPA inserts it at the same moment, one insert fails on the key and the batch is retried.
                    try (PreparedStatement insert = c.prepareStatement(INSERT_SEQUENCE)) {
                        insert.setLong(1, 1 + n);
                        insert.executeUpdate();
                    }
                }
                long end;
                try (ResultSet rs = read.executeQuery()) {
                    rs.next();
                    end = rs.getLong(1);
                }
                c.commit();
                return new IdBlock(end - n, end);
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        }
    }

    private static final class IdBlock {
        private long next;
        private final long end;

        IdBlock(long start, long end) {
            this.next = start;
            this.end = end;
        }

        long next() {
            if (next >= end) {
                throw new IllegalStateException("id block exhausted: fewer ids were allocated than rows written");
            }
            return next++;
        }
    }

    /** The prepared statements of one batch. */
    private static final class Statements implements AutoCloseable {
        final PreparedStatement findFolder;
        final PreparedStatement usage;
        final PreparedStatement advanceUid;
        final PreparedStatement mail;
        final PreparedStatement property;
        final PreparedStatement addQuota;
        final PreparedStatement insertQuota;
        final PreparedStatement journal;

        Statements(Connection c) throws SQLException {
            // The folder's counters are in CM_MAILBOX_COUNTER (org.civicmail.james.MailboxCounters), not its JAMES_MAILBOX row.
            findFolder = c.prepareStatement("SELECT m.MAILBOX_ID, n.LAST_UID, n.HIGHEST_MODSEQ, m.MAILBOX_UID_VALIDITY "
                + "FROM JAMES_MAILBOX m JOIN CM_MAILBOX_COUNTER n ON n.MAILBOX_ID = m.MAILBOX_ID "
                + "WHERE m.USER_NAME = ? AND m.MAILBOX_NAMESPACE = ? AND m.MAILBOX_NAME = ?");
            usage = c.prepareStatement("SELECT "
                + "(SELECT COALESCE(CURRENTQUOTA_MESSAGECOUNT, 0) FROM JAMES_QUOTA_CURRENTQUOTA WHERE CURRENTQUOTA_QUOTAROOT = ?), "
                + "(SELECT COALESCE(CURRENTQUOTA_SIZE, 0) FROM JAMES_QUOTA_CURRENTQUOTA WHERE CURRENTQUOTA_QUOTAROOT = ?), "
                + "(SELECT VALUE FROM JAMES_MAX_USER_STORAGE WHERE QUOTAROOT_ID = ?), "
                + "(SELECT VALUE FROM JAMES_MAX_USER_MESSAGE_COUNT WHERE QUOTAROOT_ID = ?) FROM SYSIBM.SYSDUMMY1");
            advanceUid = c.prepareStatement("UPDATE CM_MAILBOX_COUNTER SET LAST_UID = ?, HIGHEST_MODSEQ = ? "
                + "WHERE MAILBOX_ID = ? AND LAST_UID = ? AND HIGHEST_MODSEQ = ?");
            mail = c.prepareStatement("INSERT INTO JAMES_MAIL (MAILBOX_ID, MAIL_UID, MAIL_IS_ANSWERED, MAIL_BODY_START_OCTET, "
                + "MAIL_CONTENT_OCTETS_COUNT, MAIL_IS_DELETED, MAIL_IS_DRAFT, MAIL_IS_FLAGGED, MAIL_DATE, MAIL_MIME_TYPE, "
                + "MAIL_MODSEQ, MAIL_IS_RECENT, MAIL_IS_SEEN, MAIL_MIME_SUBTYPE, MAIL_TEXTUAL_LINE_COUNT, MAIL_BYTES, HEADER_BYTES) "
                + "VALUES (?, ?, 0, ?, ?, 0, 0, 0, ?, ?, ?, 1, 0, ?, ?, ?, ?)");
            property = c.prepareStatement("INSERT INTO JAMES_MAIL_PROPERTY (PROPERTY_ID, PROPERTY_LINE_NUMBER, PROPERTY_LOCAL_NAME, "
                + "PROPERTY_NAME_SPACE, PROPERTY_VALUE, MAILBOX_ID, MAIL_UID) VALUES (?, ?, ?, ?, ?, ?, ?)");
            addQuota = c.prepareStatement("UPDATE JAMES_QUOTA_CURRENTQUOTA SET CURRENTQUOTA_MESSAGECOUNT = "
                + "COALESCE(CURRENTQUOTA_MESSAGECOUNT, 0) + 1, CURRENTQUOTA_SIZE = COALESCE(CURRENTQUOTA_SIZE, 0) + ? "
                + "WHERE CURRENTQUOTA_QUOTAROOT = ?");
            insertQuota = c.prepareStatement("INSERT INTO JAMES_QUOTA_CURRENTQUOTA (CURRENTQUOTA_SIZE, CURRENTQUOTA_QUOTAROOT, "
                + "CURRENTQUOTA_MESSAGECOUNT) VALUES (?, ?, 1)");
            journal = c.prepareStatement("INSERT INTO CM_BC_DELIVERY (BC_ID, SEQ, MAILBOX_ID, MAIL_UID, DELIVERED_AT, INDEXED) "
                + "VALUES (?, ?, ?, ?, ?, 0)");
        }

        @Override
        public void close() throws SQLException {
            for (PreparedStatement p : List.of(findFolder, usage, advanceUid, mail, property, addQuota, insertQuota, journal)) {
                p.close();
            }
        }
    }
}

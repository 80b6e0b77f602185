package org.civicmail.broadcast.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.mail.Flags;

import org.apache.james.core.Username;
import org.apache.james.core.quota.QuotaSizeLimit;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageManager;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.SubscriptionManager;
import org.civicmail.search.SubstringSearchIndex;
import org.apache.james.mailbox.model.FetchGroup;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.mailbox.model.MessageResult;
import org.apache.james.mailbox.model.MessageResultIterator;
import org.apache.james.mailbox.model.SearchQuery;
import org.apache.james.mailbox.quota.MaxQuotaManager;
import org.apache.james.mailbox.quota.QuotaManager;
import org.apache.james.mailbox.quota.UserQuotaRootResolver;
import org.apache.james.mailbox.store.MailboxSessionMapperFactory;
import org.civicmail.broadcast.BroadcastKind;
import org.civicmail.broadcast.input.BroadcastPlan;
import org.civicmail.broadcast.input.ListedRecipients;
import org.civicmail.broadcast.input.Template;
import org.civicmail.broadcast.store.BroadcastStore;
import org.civicmail.broadcast.store.Outcome;
import org.civicmail.account.Account;
import org.civicmail.account.AccountClass;
import org.civicmail.account.AccountStore;
import org.civicmail.server.CivicDatabase;
import org.civicmail.server.CivicMailServer;
import org.civicmail.server.DataDirectory;
import org.civicmail.server.StartOptions;
import org.civicmail.config.CivicMailConfig;
import org.civicmail.james.JamesDatabase;
import org.civicmail.smime.SmimeSigner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The batch writer against the real embedded James on Derby files: a message it stores must read back through
 * James exactly like the same message appended by James itself (same stored columns and MIME properties, same
 * content, flags, quota), UIDs must stay unique when James appends to the same folder, and quotas must hold.
 */
class MailboxBatchWriterIT {
    private static final String FOLDER = "通知";
    private static final String MULTIPART = "From: 杭州市税务局 <tax@gov.hangzhou.example>\r\n"
        + "Subject: =?UTF-8?B?5pS/562W6YCa55+l?=\r\n"
        + "Date: Sun, 29 Nov 2026 10:00:00 +0800\r\n"
        + "MIME-Version: 1.0\r\n"
        + "Content-Type: multipart/alternative; boundary=\"b1\"\r\n"
        + "\r\n"
        + "--b1\r\n"
        + "Content-Type: text/plain; charset=UTF-8\r\n"
        + "Content-Transfer-Encoding: 8bit\r\n"
        + "\r\n"
        + "尊敬的市民：水价调整 waterprice2026\r\n"
        + "--b1\r\n"
        + "Content-Type: text/html; charset=UTF-8\r\n"
        + "\r\n"
        + "<p>水价调整</p>\r\n"
        + "--b1--\r\n";
    private static final String PLAIN = "From: water@gov.hangzhou.example\r\n"
        + "Subject: bill\r\n"
        + "Content-Type: text/plain; charset=UTF-8\r\n"
        + "Content-Language: zh-CN\r\n"
        + "\r\n"
        + "line one\r\nline two\r\nline three\r\n";

    @TempDir
    static Path dir;
    private static CivicMailServer server;
    private static MailboxManager mailboxes;
    private static MailboxBatchWriter writer;

    @BeforeAll
    static void start() throws Exception {
        DataDirectory data = new DataDirectory(dir.resolve("data"));
        CivicMailConfig config = CivicMailConfig.load(Path.of("..", "conf"), Map.of());
        server = CivicMailServer.start(config, data, new StartOptions(false, true));
        mailboxes = server.service(MailboxManager.class);
        writer = new MailboxBatchWriter(server.service(JamesDatabase.class), server.service(UserQuotaRootResolver.class), server.service(MaxQuotaManager.class));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void storedMessageReadsBackLikeOneJamesAppended() throws Exception {
        for (String message : List.of(MULTIPART, PLAIN)) {
            String byJames = unique("james");
            String byBatch = unique("batch");
            byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
            Instant date = Instant.parse("2026-11-29T02:00:00Z");
            long jamesUid = jamesAppend(byJames, bytes, date);
            List<Outcome> outcomes = writer.store("bc-1-" + byBatch, FOLDER, List.of(MailboxBatchWriter.Delivery.of(1, byBatch, bytes, date)))
                .outcomes();
            assertTrue(outcomes.get(0).delivered(), outcomes.toString());

            assertEquals(storedRow(byJames, jamesUid), storedRow(byBatch, 1), "JAMES_MAIL columns and properties");
            MessageResult expected = onlyMessage(byJames);
            MessageResult actual = onlyMessage(byBatch);
            assertEquals(new String(content(expected), StandardCharsets.UTF_8), new String(content(actual), StandardCharsets.UTF_8));
            assertEquals(expected.getSize(), actual.getSize());
            assertEquals(expected.getFlags(), actual.getFlags());
            assertTrue(actual.getFlags().contains(Flags.Flag.RECENT));
            assertFalse(actual.getFlags().contains(Flags.Flag.SEEN));
            assertEquals(date, actual.getInternalDate().toInstant());

            MailboxSession session = mailboxes.createSystemSession(Username.of(byBatch));
            assertTrue(server.service(SubscriptionManager.class).subscriptions(session).contains(MailboxPath.forUser(Username.of(byBatch), FOLDER)),
                "a folder created by the writer is subscribed");
            QuotaManager quotas = server.service(QuotaManager.class);
            var root = server.service(UserQuotaRootResolver.class).forUser(Username.of(byBatch));
            assertEquals(bytes.length, quotas.getStorageQuota(root).getUsed().asLong());
            assertEquals(1, quotas.getMessageQuota(root).getUsed().asLong());
        }
    }

    @Test
    void theLiveSchemaIsTheOneTheWriterWasWrittenForAndEachDifferenceIsNamed() throws Exception {
        try (Connection c = server.service(JamesDatabase.class).connection()) {
            assertEquals(List.of(), WriterSchema.problems(c), "a fresh James 3.8.1 database");
            // Derby's DDL is transactional: change the live schema inside a transaction, look, and roll back.
            c.setAutoCommit(false);
            try (java.sql.Statement s = c.createStatement()) {
                // Our row-locking cascade triggers (RowLockingCascades) depend on JAMES_MAIL's columns; rolled back too.
                s.executeUpdate("DROP TRIGGER CM_DELETE_MAIL_PROPERTY");
                s.executeUpdate("DROP TRIGGER CM_DELETE_MAIL_USERFLAG");
                s.executeUpdate("DROP TRIGGER CM_DELETE_MAILBOX_MAIL");
                s.executeUpdate("RENAME COLUMN JAMES_MAIL.MAIL_TEXTUAL_LINE_COUNT TO MAIL_LINES");
                s.executeUpdate("DROP INDEX CM_MAILBOX_PATH");
                s.executeUpdate("ALTER TABLE JAMES_QUOTA_CURRENTQUOTA ADD COLUMN CURRENTQUOTA_LIMIT BIGINT");
                assertEquals(List.of("column JAMES_MAIL.MAIL_TEXTUAL_LINE_COUNT is missing", "column JAMES_MAIL.MAIL_LINES is unknown to the writer",
                    "column JAMES_QUOTA_CURRENTQUOTA.CURRENTQUOTA_LIMIT is unknown to the writer", "unique index CM_MAILBOX_PATH is missing"),
                    WriterSchema.problems(c));
            } finally {
                c.rollback();
                c.setAutoCommit(true);
            }
            assertEquals(List.of(), WriterSchema.problems(c), "rolled back");
        }
    }

    @Test
    void uidsStayUniqueWhenJamesAppendsToTheSameFolder() throws Exception {
        String user = unique("mixed");
        byte[] bytes = PLAIN.getBytes(StandardCharsets.UTF_8);
        long first = jamesAppend(user, bytes, Instant.now());
        writer.store("bc-2", FOLDER, List.of(MailboxBatchWriter.Delivery.of(1, user, bytes, Instant.now())));
        long third = jamesAppend(user, bytes, Instant.now());
        writer.store("bc-3", FOLDER, List.of(MailboxBatchWriter.Delivery.of(1, user, bytes, Instant.now())));

        List<Long> uids = new ArrayList<>();
        MailboxSession session = mailboxes.createSystemSession(Username.of(user));
        MessageResultIterator it = mailboxes.getMailbox(MailboxPath.forUser(Username.of(user), FOLDER), session)
            .getMessages(MessageRange.all(), FetchGroup.MINIMAL, session);
        while (it.hasNext()) {
            uids.add(it.next().getUid().asLong());
        }
        assertEquals(List.of(1L, 2L, 3L, 4L), uids);
        assertEquals(1, first);
        assertEquals(3, third);
    }

    @Test
    void theFlagAndLineNumberIndexesStayDroppedAndJamesFlagQueriesStillAnswer() throws Exception {
        String user = unique("flags");
        byte[] bytes = PLAIN.getBytes(StandardCharsets.UTF_8);
        jamesAppend(user, bytes, Instant.now());
        writer.store("bc-flags", FOLDER, List.of(MailboxBatchWriter.Delivery.of(1, user, bytes, Instant.now())));
        MailboxSession session = mailboxes.createSystemSession(Username.of(user));
        MessageManager folder = mailboxes.getMailbox(MailboxPath.forUser(Username.of(user), FOLDER), session);
        assertEquals(2, folder.getMailboxCounters(session).getUnseen());
        MessageManager.MailboxMetaData meta = folder.getMetaData(MessageManager.MailboxMetaData.RecentMode.RETRIEVE, session,
            MessageManager.MailboxMetaData.FetchGroup.FIRST_UNSEEN);
        assertEquals(2, meta.getRecent().size());
        assertEquals(1, meta.getFirstUnseen().asLong());

        try (Connection c = server.service(JamesDatabase.class).connection();
             PreparedStatement ps = c.prepareStatement("SELECT CONGLOMERATENAME FROM SYS.SYSCONGLOMERATES WHERE CONGLOMERATENAME IN "
                 + "('I_JMS_MIL_MAIL_IS_DELETED', 'I_JMS_MIL_MAIL_IS_RECENT', 'I_JMS_MIL_MAIL_IS_SEEN', 'INDEX_PROPERTY_LINE_NUMBER', "
                 + "'CM_MAILBOX_PATH')");
             ResultSet rs = ps.executeQuery()) {
            List<String> present = new ArrayList<>();
            while (rs.next()) {
                present.add(rs.getString(1));
            }
            assertEquals(List.of("CM_MAILBOX_PATH"), present, "after James's own appends (OpenJPA does not add them back)");
        }
    }

    @Test
    void overQuotaRecipientFailsAloneAndGetsNothing() throws Exception {
        String full = unique("full");
        String fine = unique("fine");
        server.service(MaxQuotaManager.class).setMaxStorage(server.service(UserQuotaRootResolver.class).forUser(Username.of(full)),
            QuotaSizeLimit.size(100));
        byte[] bytes = MULTIPART.getBytes(StandardCharsets.UTF_8);
        List<Outcome> outcomes = writer.store("bc-4", FOLDER, List.of(
            MailboxBatchWriter.Delivery.of(1, full, bytes, Instant.now()),
            MailboxBatchWriter.Delivery.of(2, fine, bytes, Instant.now()))).outcomes();

        assertFalse(outcomes.get(0).delivered());
        assertTrue(outcomes.get(0).reason().contains("over quota"), outcomes.get(0).reason());
        assertTrue(outcomes.get(1).delivered());
        assertEquals(Map.of(2, outcomes.get(1).at()).keySet(), new DeliveryJournal(server.service(JamesDatabase.class)).journaled("bc-4").keySet());
        MailboxSession session = mailboxes.createSystemSession(Username.of(full));
        assertFalse(Mono.from(mailboxes.mailboxExists(MailboxPath.forUser(Username.of(full), FOLDER), session)).block());
    }

    @Test
    void aDeliveredMessageIsSearchableAtOnceAndItsJournalRowGoesOnceItsOutcomeIsRecorded() throws Exception {
        String user = unique("search");
        BroadcastStorage storage = server.service(BroadcastStorage.class);
        assertEquals("direct writes to James 3.8.1's mailbox tables", storage.chosen().describe(), "James's schema is the expected one");
        List<Outcome> outcomes = storage.deliver("bc-5", FOLDER, List.of(MailboxBatchWriter.Delivery.of(1, user,
            MULTIPART.getBytes(StandardCharsets.UTF_8), Instant.now())));
        assertTrue(outcomes.get(0).delivered());
        assertEquals(null, outcomes.get(0).reason());
        // No catch-up ran: delivered means searchable.
        assertEquals(List.of(MessageUid.of(1)), search(user, "waterprice2026"));
        assertEquals(1, journalRows("bc-5"), "kept until the outcome is recorded: recovery needs it");
        storage.recorded("bc-5", List.of(1));
        assertEquals(0, journalRows("bc-5"), "the outcome is recorded: recovery will not look for it");
        // A row whose delete after recording failed is taken when the broadcast finishes.
        storage.deliver("bc-5", FOLDER, List.of(MailboxBatchWriter.Delivery.of(2, unique("search"),
            MULTIPART.getBytes(StandardCharsets.UTF_8), Instant.now())));
        assertEquals(1, journalRows("bc-5"));
        storage.finished("bc-5");
        assertEquals(0, journalRows("bc-5"), "every row of a finished broadcast is deleted");
    }

    /**
     * A stored message the search index cannot take: its folder's owner emptied behind James's back, so the message
     * cannot be read back for indexing. (The text index reads only a message's content, which the schema does not let
     * be emptied; an emptied internal date was what James's former Lucene index refused.)
     */
    private static String unreadableMessage(String broadcastId, int seq) throws Exception {
        String user = unique("broken");
        writer.store(broadcastId, FOLDER, List.of(MailboxBatchWriter.Delivery.of(seq, user, MULTIPART.getBytes(StandardCharsets.UTF_8),
            Instant.now())));
        try (Connection c = server.service(JamesDatabase.class).connection();
             PreparedStatement ps = c.prepareStatement("UPDATE JAMES_MAILBOX SET USER_NAME = '', MAILBOX_NAME = ? WHERE USER_NAME = ?")) {
            ps.setString(1, user); // each such folder its own name: (owner, name) stays unique
            ps.setString(2, user);
            assertEquals(1, ps.executeUpdate());
        }
        return user;
    }

    @Test
    void aMessageTheIndexCannotTakeIsReportedWithTheReasonAndDoesNotHoldBackTheOthers() throws Exception {
        String id = "bc-unindexable-" + System.nanoTime();
        unreadableMessage(id, 1);
        String fine = unique("fine");
        writer.store(id, FOLDER, List.of(MailboxBatchWriter.Delivery.of(2, fine, MULTIPART.getBytes(StandardCharsets.UTF_8), Instant.now())));
        // As after a crash: both stored, neither indexed nor reported. Settling indexes them before reporting.
        Map<Integer, Outcome> settled = server.service(BroadcastStorage.class).settle(id, 0, 10);
        assertTrue(settled.get(1).delivered(), "it is in the folder");
        assertTrue(settled.get(1).reason().startsWith("stored, but not searchable (the search index refused it: "), settled.get(1).reason());
        assertTrue(settled.get(2).delivered());
        assertEquals(null, settled.get(2).reason());
        assertEquals(List.of(MessageUid.of(1)), search(fine, "waterprice2026"));
        assertEquals(Map.of(), new DeliveryJournal(server.service(JamesDatabase.class)).journaled(id).values().stream()
            .filter(e -> !e.indexed()).collect(java.util.stream.Collectors.toMap(DeliveryJournal.Entry::seq, e -> e)),
            "both handled: nothing is indexed again");
    }

    @Test
    void theBackgroundCatchUpSkipsAMessageItCannotIndexInsteadOfSelectingItForever() throws Exception {
        String id = "bc-legacy-" + System.nanoTime();
        unreadableMessage(id, 1);
        String fine = unique("fine");
        writer.store(id, FOLDER, List.of(MailboxBatchWriter.Delivery.of(2, fine, MULTIPART.getBytes(StandardCharsets.UTF_8), Instant.now())));
        // As a finished broadcast of an older version left its rows: not indexed, marked 2.
        try (Connection c = server.service(JamesDatabase.class).connection();
             PreparedStatement ps = c.prepareStatement("UPDATE CM_BC_DELIVERY SET INDEXED = 2 WHERE BC_ID = ?")) {
            ps.setString(1, id);
            assertEquals(2, ps.executeUpdate());
        }
        SearchIndexCatchUp catchUp = server.service(BroadcastStorage.class).searchIndex();
        int rounds = 0;
        while (catchUp.indexSome() > 0) {
            assertTrue(++rounds < 100, "the catch-up ends");
        }
        assertEquals(0, journalRows(id), "the unindexable row is dropped (logged), not selected again");
        assertEquals(List.of(MessageUid.of(1)), search(fine, "waterprice2026"));
    }

    private static List<MessageUid> search(String user, String word) throws Exception {
        MailboxSession session = mailboxes.createSystemSession(Username.of(user));
        MessageManager box = mailboxes.getMailbox(MailboxPath.forUser(Username.of(user), FOLDER), session);
        return Flux.from(box.search(SearchQuery.of(SearchQuery.bodyContains(word)), session)).collectList().block();
    }

    /**
     * The crash window the journal exists for, made deterministic: recipient 1 stored and recorded, recipient 2 stored
     * (journaled) but its outcome not recorded when the server died, recipient 3 not stored. The next run must record
     * 2 as delivered without a second copy and send only to 3.
     */
    @Test
    void aRunAfterACrashSettlesFromTheJournalAndSendsOnlyWhatIsMissing() throws Exception {
        String id = "bc-crash-" + System.nanoTime();
        List<String> citizens = List.of(unique("settle"), unique("settle"), unique("settle"));
        CivicDatabase db = server.service(CivicDatabase.class);
        BroadcastStore store = new BroadcastStore(db);
        Account agency = new Account("tax@gov.hangzhou.example", AccountClass.OFFICIAL, "杭州市税务局", Optional.empty(), List.of(),
            Optional.empty(), Optional.of("杭州市税务局"), Optional.of("T-1"), true, false);
        String template = "Subject: 停水通知\n\n明日检修。\n";
        List<BroadcastPlan.Recipient> recipients = citizens.stream()
            .map(a -> new BroadcastPlan.Recipient(a, 0, Map.of(), Optional.<Path>empty())).toList();
        BroadcastPlan plan = new BroadcastPlan(agency, null, BroadcastKind.POLICY_NOTICE,
            Template.parse("t.txt", template.getBytes(StandardCharsets.UTF_8), null, null), template, null, "test", new ListedRecipients(recipients),
            "0".repeat(64), "0".repeat(64), null, "test");
        byte[] notice = MULTIPART.getBytes(StandardCharsets.UTF_8);
        store.create(id, plan, "停水通知", notice, Instant.now());
        MessageComposer composer = new MessageComposer(new SmimeSigner(), "mail.hangzhou.example");
        for (int seq = 1; seq <= 2; seq++) {
            String to = citizens.get(seq - 1);
            writer.store(id, FOLDER, List.of(MailboxBatchWriter.Delivery.of(seq, to,
                MessageComposer.addressed(notice, to, composer.messageId(id, to)), Instant.now())));
        }
        store.record(id, List.of(Outcome.delivered(1, Instant.now())));

        BroadcastStorage storage = server.service(BroadcastStorage.class);
        java.util.concurrent.ExecutorService workers = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            // The journal is under test here, not the verdict (the notice is unsigned): every batch may be stored.
            DeliveryCheck anyBatch = new DeliveryCheck() {
                @Override
                public Optional<String> agencyStopReason(String agency) {
                    return Optional.empty();
                }

                @Override
                public Judgement judge(byte[] copy) {
                    return Judgement.valid("none", java.math.BigInteger.ONE);
                }

                @Override
                public Hold hold(String agency, java.math.BigInteger signerSerial) {
                    return new Hold() {
                        @Override
                        public Optional<String> stopReason() {
                            return Optional.empty();
                        }

                        @Override
                        public void close() {
                        }
                    };
                }

                @Override
                public String whyNoCredential(String agency) {
                    throw new AssertionError("a notice needs no credential");
                }
            };
            BroadcastRunner runner = new BroadcastRunner(store, storage, storage.searchIndex(), composer, server.service(AccountStore.class),
                workers, 500, anyBatch);
            java.util.concurrent.atomic.AtomicLong progress = new java.util.concurrent.atomic.AtomicLong();
            runner.run(store.job(id).orElseThrow(), new BroadcastRunner.Sender(agency.address(), agency.name(), Optional.empty()),
                progress::addAndGet);
            assertEquals(2, progress.get(), "recipient 2 settled from the journal, recipient 3 sent");
        } finally {
            workers.shutdownNow();
        }
        assertEquals(3, store.counts(id).delivered());
        for (String citizen : citizens) {
            MessageResult only = onlyMessage(citizen);
            assertTrue(new String(content(only), StandardCharsets.UTF_8).contains(composer.messageId(id, citizen)));
            // Recipient 2 was stored but not indexed when the server died: settling it indexed it first.
            assertEquals(List.of(MessageUid.of(1)), search(citizen, "waterprice2026"), citizen);
        }
    }

    private static int journalRows(String broadcastId) throws SQLException {
        try (Connection c = server.service(JamesDatabase.class).connection();
             PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM CM_BC_DELIVERY WHERE BC_ID = ?")) {
            ps.setString(1, broadcastId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static int counter;

    private static synchronized String unique(String prefix) {
        return prefix + (++counter) + "-" + System.nanoTime() + "@citizen.hangzhou.example";
    }

    private static long jamesAppend(String user, byte[] bytes, Instant date) throws Exception {
        MailboxSession session = mailboxes.createSystemSession(Username.of(user));
        MailboxPath path = MailboxPath.forUser(Username.of(user), FOLDER);
        if (!Mono.from(mailboxes.mailboxExists(path, session)).block()) {
            mailboxes.createMailbox(path, session);
        }
        return mailboxes.getMailbox(path, session).appendMessage(MessageManager.AppendCommand.builder()
            .withFlags(new Flags()).withInternalDate(Date.from(date)).recent().build(bytes), session).getId().getUid().asLong();
    }

    private static MessageResult onlyMessage(String user) throws Exception {
        MailboxSession session = mailboxes.createSystemSession(Username.of(user));
        MessageResultIterator it = mailboxes.getMailbox(MailboxPath.forUser(Username.of(user), FOLDER), session)
            .getMessages(MessageRange.all(), FetchGroup.FULL_CONTENT, session);
        MessageResult m = it.next();
        assertFalse(it.hasNext(), "exactly one message in " + user);
        return m;
    }

    private static byte[] content(MessageResult m) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        m.getFullContent().getInputStream().transferTo(out);
        return out.toByteArray();
    }

    /** Everything James stored about the message except where and when: to compare the two write paths. */
    private static String storedRow(String user, long uid) throws SQLException {
        try (Connection c = server.service(JamesDatabase.class).connection();
             PreparedStatement box = c.prepareStatement("SELECT MAILBOX_ID FROM JAMES_MAILBOX WHERE USER_NAME = ? AND MAILBOX_NAME = ?");
             PreparedStatement mail = c.prepareStatement("SELECT MAIL_IS_ANSWERED, MAIL_BODY_START_OCTET, MAIL_CONTENT_OCTETS_COUNT, "
                 + "MAIL_IS_DELETED, MAIL_IS_DRAFT, MAIL_IS_FLAGGED, MAIL_MIME_TYPE, MAIL_IS_RECENT, MAIL_IS_SEEN, MAIL_MIME_SUBTYPE, "
                 + "MAIL_TEXTUAL_LINE_COUNT, LENGTH(MAIL_BYTES), LENGTH(HEADER_BYTES) FROM JAMES_MAIL WHERE MAILBOX_ID = ? AND MAIL_UID = ?");
             PreparedStatement props = c.prepareStatement("SELECT PROPERTY_LINE_NUMBER, PROPERTY_NAME_SPACE, PROPERTY_LOCAL_NAME, "
                 + "PROPERTY_VALUE FROM JAMES_MAIL_PROPERTY WHERE MAILBOX_ID = ? AND MAIL_UID = ? ORDER BY PROPERTY_LINE_NUMBER")) {
            box.setString(1, user);
            box.setString(2, FOLDER);
            long id;
            try (ResultSet rs = box.executeQuery()) {
                assertTrue(rs.next(), "folder of " + user);
                id = rs.getLong(1);
                assertFalse(rs.next(), "one folder " + FOLDER + " for " + user);
            }
            StringBuilder s = new StringBuilder();
            mail.setLong(1, id);
            mail.setLong(2, uid);
            try (ResultSet rs = mail.executeQuery()) {
                assertTrue(rs.next(), "message " + uid + " of " + user);
                for (int i = 1; i <= 13; i++) {
                    s.append(rs.getString(i)).append('|');
                }
            }
            props.setLong(1, id);
            props.setLong(2, uid);
            try (ResultSet rs = props.executeQuery()) {
                while (rs.next()) {
                    s.append('\n').append(rs.getInt(1)).append(' ').append(rs.getString(2)).append(' ').append(rs.getString(3))
                        .append('=').append(rs.getString(4));
                }
            }
            assertTrue(s.toString().contains("\n"), "properties were stored: " + s);
            return s.toString();
        }
    }
}

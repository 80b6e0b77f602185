package org.civicmail.webmail.imap;

import jakarta.mail.Address;
import jakarta.mail.FetchProfile;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.FolderClosedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Store;
import jakarta.mail.StoreClosedException;
import jakarta.mail.UIDFolder;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;
import jakarta.mail.search.BodyTerm;
import jakarta.mail.search.FromStringTerm;
import jakarta.mail.search.OrTerm;
import jakarta.mail.search.SearchTerm;
import jakarta.mail.search.SubjectTerm;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.iap.Response;
import org.eclipse.angus.mail.imap.protocol.BODY;
import org.eclipse.angus.mail.imap.protocol.FLAGS;
import org.eclipse.angus.mail.imap.protocol.FetchResponse;
import org.eclipse.angus.mail.imap.protocol.INTERNALDATE;
import org.eclipse.angus.mail.imap.protocol.Status;
import org.civicmail.webmail.i18n.FolderNames;
import org.civicmail.webmail.i18n.Lang;

/**
 * One signed-in user's IMAP connection. Not thread-safe by itself: every public method synchronises on this
 * object, so concurrent requests of one browser session take turns. Reconnects once if the server dropped us.
 */
public final class MailboxAccess implements AutoCloseable {

    /** Re-opens the connection (password or master login). */
    @FunctionalInterface
    public interface Reconnect {
        Store open() throws MessagingException;
    }

    private static final int RAW_CACHE = 16;
    static final long FOLDER_CACHE_MILLIS = 30_000;

    private Map<String, Integer> folderCache;
    private long folderCacheAt;

    private final Reconnect reconnect;
    private Store store;
    private Folder open;
    private final Map<String, Stored> rawCache = new LinkedHashMap<>(RAW_CACHE, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Stored> eldest) {
            return size() > RAW_CACHE;
        }
    };

    public MailboxAccess(Store store, Reconnect reconnect) {
        this.store = store;
        this.reconnect = reconnect;
    }

    @FunctionalInterface
    private interface Work<T> {
        T run() throws MessagingException, IOException;
    }

    private synchronized <T> T withRetry(Work<T> work) throws MessagingException, IOException {
        try {
            return work.run();
        } catch (StoreClosedException | FolderClosedException e) {
            closeQuietly();
            store = reconnect.open();
            open = null;
            return work.run();
        }
    }

    /**
     * Folders with unread counts. The list is cached for {@link #FOLDER_CACHE_MILLIS}; reading a message here
     * adjusts the cached count, appending drops the cache, so the sidebar stays right without a LIST and a
     * STATUS per folder on every page.
     */
    public List<FolderView> folders(Lang lang) throws MessagingException, IOException {
        return withRetry(() -> {
            long now = System.currentTimeMillis();
            if (folderCache == null || now - folderCacheAt > FOLDER_CACHE_MILLIS) {
                Map<String, Integer> fresh = new LinkedHashMap<>();
                for (Folder f : store.getDefaultFolder().list("*")) {
                    if ((f.getType() & Folder.HOLDS_MESSAGES) != 0) {
                        fresh.put(f.getFullName(), unseen((IMAPFolder) f));
                    }
                }
                folderCache = fresh;
                folderCacheAt = now;
            }
            List<FolderView> out = new ArrayList<>();
            folderCache.forEach((name, unread) -> out.add(new FolderView(name, FolderNames.display(name, lang), unread, -1)));
            out.sort(Comparator.comparingInt((FolderView v) -> rank(v.name())).thenComparing(FolderView::name));
            return out;
        });
    }

    /** One STATUS (UNSEEN) per folder, also for the selected one (where Angus would SEARCH UNSEEN instead). */
    private static int unseen(IMAPFolder f) throws MessagingException {
        Object r = f.doCommand(p -> p.status(f.getFullName(), new String[] {"UNSEEN"}));
        return r instanceof Status s ? Math.max(s.unseen, 0) : 0;
    }

    private static int rank(String name) {
        return switch (name.toUpperCase(java.util.Locale.ROOT)) {
            case "INBOX" -> 0;
            case "通知", "账单", "社保", "银行" -> 1;
            case "DRAFTS", "SENT" -> 3;
            case "TRASH", "JUNK" -> 4;
            default -> 2;
        };
    }

    /** The folder, opened read-write (reading sets \Seen); the last one stays open between requests. */
    private Folder folder(String name) throws MessagingException {
        if (open != null && open.isOpen() && open.getFullName().equals(name)) {
            return open;
        }
        if (open != null && open.isOpen()) {
            open.close(false);
        }
        Folder f = store.getFolder(name);
        if (!f.exists()) {
            throw new FolderNotFound(name);
        }
        f.open(Folder.READ_WRITE);
        open = f;
        return f;
    }

    /**
     * Closes the folder kept open between requests, so the next request selects it afresh. After a MOVE or EXPUNGE
     * made on this connection: Angus keeps counting a moved message in getMessageCount() although James answered
     * the MOVE with "* n EXPUNGE", so the next list page would ask for sequence numbers the server no longer has
     * (BAD "Invalid messageset"; MailboxActionsSystemIT).
     */
    private void forgetOpenFolder() {
        if (open != null && open.isOpen()) {
            try {
                open.close(false);
            } catch (MessagingException e) {
                // it is gone either way; the next request selects again
            }
        }
        open = null;
    }

    /** Thrown for a folder name the account does not have. */
    public static final class FolderNotFound extends MessagingException {
        public FolderNotFound(String name) {
            super("no folder named '" + name + "'");
        }
    }

    /**
     * @param page       1-based page number, clamped to the available range
     * @param newestFirst order by arrival date, newest first
     * @param query      IMAP SEARCH in subject, from and body; {@code null} or blank lists everything
     */
    public MessagePage list(String folderName, int page, int pageSize, boolean newestFirst, String query)
            throws MessagingException, IOException {
        return withRetry(() -> {
            try {
                return listOnce(folderName, page, pageSize, newestFirst, query);
            } catch (MessagingException e) {
                if (!(e.getCause() instanceof org.eclipse.angus.mail.iap.BadCommandException)) {
                    throw e;
                }
                // The server has fewer messages than Angus counts (another client's EXPUNGE, see
                // forgetOpenFolder): select the folder afresh and list once more.
                forgetOpenFolder();
                return listOnce(folderName, page, pageSize, newestFirst, query);
            }
        });
    }

    private MessagePage listOnce(String folderName, int page, int pageSize, boolean newestFirst, String query)
            throws MessagingException {
        Folder f = folder(folderName);
        Message[] all;
        int total;
        boolean searching = query != null && !query.isBlank();
        if (searching) {
            all = search(f, query.trim());
            total = all.length;
        } else {
            all = null;
            total = f.getMessageCount();
        }
        int pages = Math.max(1, (total + pageSize - 1) / pageSize);
        int p = Math.min(Math.max(page, 1), pages);
        // Sequence numbers follow arrival order, so date order is a slice of the sequence.
        int from;
        int to;
        if (newestFirst) {
            to = total - (p - 1) * pageSize;
            from = Math.max(1, to - pageSize + 1);
        } else {
            from = (p - 1) * pageSize + 1;
            to = Math.min(total, from + pageSize - 1);
        }
        int[] numbers;
        if (total == 0) {
            numbers = new int[0];
        } else if (searching) {
            numbers = Arrays.stream(Arrays.copyOfRange(all, from - 1, to)).mapToInt(Message::getMessageNumber).toArray();
        } else {
            numbers = java.util.stream.IntStream.rangeClosed(from, to).toArray();
        }
        List<MessageSummary> rows = new ArrayList<>(ListRows.fetch((IMAPFolder) f, numbers));
        if (folderCache != null) {
            folderCache.put(folderName, unseen((IMAPFolder) f));
        }
        if (newestFirst) {
            java.util.Collections.reverse(rows);
        }
        return new MessagePage(folderName, List.copyOf(rows), p, pages, total, newestFirst, searching ? query.trim() : null);
    }

    /** IMAP SEARCH in subject, from and body. */
    private static Message[] search(Folder f, String q) throws MessagingException {
        SearchTerm term = new OrTerm(new SearchTerm[] {new SubjectTerm(q), new FromStringTerm(q), new BodyTerm(q)});
        try {
            return f.search(term);
        } catch (MessagingException e) {
            if (e instanceof FolderClosedException || e instanceof StoreClosedException) {
                throw e;
            }
            // Some servers (GreenMail) reject FROM with a phrase; search subject and body only.
            return f.search(new OrTerm(new SubjectTerm(q), new BodyTerm(q)));
        }
    }

    /** One search hit of an all-folders search. */
    public record FolderHit(String folder, MessageSummary message) {}

    /**
     * Searches every folder (the server's index does the matching) and returns the newest {@code limit} hits,
     * newest first.
     */
    public List<FolderHit> searchAll(String query, int limit) throws MessagingException, IOException {
        return withRetry(() -> {
            List<FolderHit> hits = new ArrayList<>();
            for (Folder listed : store.getDefaultFolder().list("*")) {
                if ((listed.getType() & Folder.HOLDS_MESSAGES) == 0) {
                    continue;
                }
                Folder f = folder(listed.getFullName());
                Message[] found = search(f, query.trim());
                int from = Math.max(0, found.length - limit);
                int[] numbers = Arrays.stream(found, from, found.length).mapToInt(Message::getMessageNumber).toArray();
                for (MessageSummary m : ListRows.fetch((IMAPFolder) f, numbers)) {
                    hits.add(new FolderHit(f.getFullName(), m));
                }
            }
            hits.sort(Comparator.comparing((FolderHit h) -> h.message().date(),
                    Comparator.nullsLast(Comparator.<java.time.Instant>reverseOrder())));
            return List.copyOf(hits.subList(0, Math.min(limit, hits.size())));
        });
    }

    /**
     * The message's raw RFC 822 bytes, exactly as stored (signatures are checked over these), marking it seen.
     * @return {@code null} when there is no message with this UID
     */
    public byte[] raw(String folderName, long uid) throws MessagingException, IOException {
        return raw(folderName, uid, true);
    }

    /** As {@link #raw(String, long)}, but leaves \Seen alone (BODY.PEEK) when {@code markSeen} is false. */
    public byte[] raw(String folderName, long uid, boolean markSeen) throws MessagingException, IOException {
        Stored stored = stored(folderName, uid, markSeen);
        return stored == null ? null : stored.raw();
    }

    /**
     * A stored message: its raw bytes and when it arrived (IMAP INTERNALDATE, set by the server's clock on delivery;
     * signature validity is judged at that moment).
     */
    public record Stored(byte[] raw, java.time.Instant arrivedAt) {
    }

    /** As {@link #raw(String, long, boolean)}, with the arrival time. @return {@code null} when there is no such UID */
    public Stored stored(String folderName, long uid, boolean markSeen) throws MessagingException, IOException {
        return withRetry(() -> {
            Folder f = folder(folderName);
            String key = folderName + '\u0000' + ((UIDFolder) f).getUIDValidity() + '\u0000' + uid;
            Stored cached = rawCache.get(key);
            if (cached != null) {
                Message[] m = markSeen ? present((UIDFolder) f, new long[] {uid}) : new Message[0];
                if (m.length == 1 && !m[0].isSet(Flags.Flag.SEEN)) {
                    // marked unread since it was cached: reading it again marks it read again
                    f.setFlags(m, new Flags(Flags.Flag.SEEN), true);
                    if (folderCache != null) {
                        folderCache.computeIfPresent(folderName, (k, n) -> Math.max(0, n - 1));
                    }
                }
                return cached;
            }
            // UID FETCH (FLAGS INTERNALDATE BODY.PEEK[]), then for an unread message UID STORE +FLAGS.SILENT (\Seen).
            // Not one FETCH of BODY[]: its FLAGS may already include the \Seen it set (GreenMail's and James's do),
            // and then nobody knows that the folder's unread count just went down.
            Object[] got = (Object[]) ((IMAPFolder) f).doCommand(p -> {
                Response[] rs = p.command("UID FETCH " + uid + " (FLAGS INTERNALDATE BODY.PEEK[])", null);
                Response result = rs[rs.length - 1];
                byte[] body = null;
                Flags flags = null;
                java.util.Date arrived = null;
                for (Response r : rs) {
                    if (r instanceof FetchResponse fr && fr.getItem(BODY.class) != null) {
                        body = fr.getItem(BODY.class).getByteArray().getNewBytes();
                        flags = fr.getItem(FLAGS.class);
                        INTERNALDATE date = fr.getItem(INTERNALDATE.class);
                        arrived = date == null ? null : date.getDate();
                    }
                }
                p.notifyResponseHandlers(rs);
                p.handleResult(result);
                if (markSeen && body != null && (flags == null || !flags.contains(Flags.Flag.SEEN))) {
                    Response[] stored = p.command("UID STORE " + uid + " +FLAGS.SILENT (\\Seen)", null);
                    p.notifyResponseHandlers(stored);
                    p.handleResult(stored[stored.length - 1]);
                }
                return new Object[] {body, flags, arrived};
            });
            if (got[0] == null) {
                return null;
            }
            boolean wasSeen = got[1] != null && ((Flags) got[1]).contains(Flags.Flag.SEEN);
            if (markSeen && !wasSeen && folderCache != null) {
                folderCache.computeIfPresent(folderName, (k, n) -> Math.max(0, n - 1));
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes((byte[]) got[0]);
            Stored stored = new Stored(out.toByteArray(),
                got[2] == null ? java.time.Instant.now() : ((java.util.Date) got[2]).toInstant());
            rawCache.put(key, stored);
            return stored;
        });
    }

    /**
     * Appends a draft and returns its UID (UIDPLUS APPENDUID), or -1 when the server does not say.
     */
    public long appendDraft(String folderName, MimeMessage message) throws MessagingException, IOException {
        return withRetry(() -> {
            IMAPFolder f = (IMAPFolder) store.getFolder(folderName);
            if (!f.exists()) {
                f.create(Folder.HOLDS_MESSAGES);
            }
            message.setFlag(Flags.Flag.SEEN, true);
            message.setFlag(Flags.Flag.DRAFT, true);
            org.eclipse.angus.mail.imap.AppendUID[] got = f.appendUIDMessages(new Message[] {message});
            folderCache = null;
            return got != null && got.length == 1 && got[0] != null ? got[0].uid : -1L;
        });
    }

    /** Removes messages for good (an autosaved draft that a newer one replaces). */
    public void purge(String folderName, long[] uids) throws MessagingException, IOException {
        withRetry(() -> {
            IMAPFolder f = (IMAPFolder) folder(folderName);
            Message[] msgs = present(f, uids);
            if (msgs.length > 0) {
                f.setFlags(msgs, new Flags(Flags.Flag.DELETED), true);
                f.expunge(msgs);
                forgetOpenFolder();
            }
            folderCache = null;
            return null;
        });
    }

    /** Appends a message to a folder (Drafts, Sent), creating the folder if needed. */
    public void append(String folderName, MimeMessage message, boolean seen) throws MessagingException, IOException {
        withRetry(() -> {
            Folder f = store.getFolder(folderName);
            if (!f.exists()) {
                f.create(Folder.HOLDS_MESSAGES);
            }
            message.setFlag(Flags.Flag.SEEN, seen);
            if (folderName.equalsIgnoreCase("Drafts")) {
                message.setFlag(Flags.Flag.DRAFT, true);
            }
            f.appendMessages(new Message[] {message});
            folderCache = null;
            return null;
        });
    }

    /** Where deleted mail goes; deleting in it removes for good. */
    public static final String TRASH = "Trash";
    /** Where reported mail goes. */
    public static final String JUNK = "Junk";

    /** Sets or clears a flag (\Seen, \Flagged) on messages by UID; unknown UIDs are skipped. */
    public void flag(String folderName, long[] uids, Flags.Flag flag, boolean value) throws MessagingException, IOException {
        withRetry(() -> {
            Message[] msgs = present((UIDFolder) folder(folderName), uids);
            if (msgs.length > 0) {
                folder(folderName).setFlags(msgs, new Flags(flag), value);
            }
            folderCache = null;
            return null;
        });
    }

    /**
     * Moves messages to another folder (created when missing): IMAP MOVE where the server has it, else COPY,
     * \Deleted and UID EXPUNGE of just these messages.
     */
    public void move(String folderName, long[] uids, String target) throws MessagingException, IOException {
        withRetry(() -> {
            if (folderName.equals(target)) {
                return null;
            }
            IMAPFolder f = (IMAPFolder) folder(folderName);
            Message[] msgs = present(f, uids);
            if (msgs.length == 0) {
                return null;
            }
            Folder to = store.getFolder(target);
            if (!to.exists()) {
                to.create(Folder.HOLDS_MESSAGES);
            }
            if (((org.eclipse.angus.mail.imap.IMAPStore) store).hasCapability("MOVE")) {
                f.moveMessages(msgs, to);
            } else {
                f.copyMessages(msgs, to);
                f.setFlags(msgs, new Flags(Flags.Flag.DELETED), true);
                f.expunge(msgs);
            }
            forgetOpenFolder();
            folderCache = null;
            return null;
        });
    }

    /** Deletes: to Trash, or for good when already in Trash. */
    public void delete(String folderName, long[] uids) throws MessagingException, IOException {
        if (!folderName.equalsIgnoreCase(TRASH)) {
            move(folderName, uids, TRASH);
            return;
        }
        purge(folderName, uids);
    }

    /** Removes everything in Trash for good. */
    public void emptyTrash() throws MessagingException, IOException {
        withRetry(() -> {
            if (!store.getFolder(TRASH).exists()) {
                return null;
            }
            Folder f = folder(TRASH);
            Message[] all = f.getMessages();
            if (all.length > 0) {
                f.setFlags(all, new Flags(Flags.Flag.DELETED), true);
                f.expunge();
                forgetOpenFolder();
            }
            folderCache = null;
            return null;
        });
    }

    private static Message[] present(UIDFolder f, long[] uids) throws MessagingException {
        return Arrays.stream(f.getMessagesByUID(uids)).filter(java.util.Objects::nonNull).toArray(Message[]::new);
    }

    static String fromText(Message m) throws MessagingException {
        Address[] from = m.getFrom();
        if (from == null || from.length == 0) {
            return "";
        }
        if (from[0] instanceof InternetAddress ia) {
            String personal = ia.getPersonal();
            return personal != null && !personal.isBlank() ? personal : ia.getAddress();
        }
        try {
            return MimeUtility.decodeText(from[0].toString());
        } catch (IOException e) {
            return from[0].toString();
        }
    }

    private void closeQuietly() {
        try {
            if (open != null && open.isOpen()) {
                open.close(false);
            }
        } catch (MessagingException | RuntimeException e) {
            // already gone
        }
        try {
            store.close();
        } catch (MessagingException | RuntimeException e) {
            // already gone
        }
    }

    @Override
    public synchronized void close() {
        closeQuietly();
    }
}

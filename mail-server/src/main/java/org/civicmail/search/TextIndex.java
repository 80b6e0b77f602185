package org.civicmail.search;

import java.io.File;
import java.io.IOException;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.lucene.analysis.KeywordAnalyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.NumericField;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.TieredMergePolicy;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.Collector;
import org.apache.lucene.search.FieldCache;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.NumericRangeQuery;
import org.apache.lucene.search.PrefixQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.Scorer;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.SimpleFSDirectory;
import org.apache.lucene.util.Version;

/**
 * CivicMail's own Lucene index of the decoded text of every message, one document per message (folder id, UID), in
 * its own directory beside James's index: {@link BigramTokens bigram} fields for the body, all header lines, each
 * header and each address field, and the Date header's day. It answers "which UIDs of this folder contain this
 * string in this field" exactly ({@link SubstringQueries}); {@link SubstringSearchIndex} uses the answers in place
 * of James's word-prefix matching. Thread-safe (Lucene's writer is); searches see additions at once (a
 * near-real-time reader), commits make them durable.
 *
 * <p>{@link #VERSION} names the document layout; an index written with another layout (or none, as before this
 * index existed) is rebuilt from the mailboxes at start ({@link TextIndexRebuild}).
 */
public final class TextIndex implements AutoCloseable {
    /** Bumped whenever what is indexed or how it is tokenised changes; the index is then rebuilt at start. */
    public static final String VERSION = "bigram-nfkc-1";
    static final String VERSION_KEY = "civicmail.text-index.version";

    static final String BODY = "body";
    static final String HEADERS = "headers";
    static final String HEADER_PREFIX = "h.";
    static final String ADDRESS_PREFIX = "a.";
    static final String SENT_DAY = "sentday";
    /** On a copy of shared content: the id of the document that holds the shared part's text. */
    static final String SHARED = "shared";
    /** On a shared part's document (which has no folder): its id, stored, to find the copies that refer to it. */
    private static final String SHARED_ID = "sharedid";
    private static final String SHARED_KEY_PREFIX = "!shared/";
    /** Commit data: "true" from the first commit of a run until its clean close; a start that finds it checks the index. */
    static final String OPEN_KEY = "civicmail.text-index.open";
    private static final String KEY = "key";
    /** The key of the one document that is not a message: it changes with the version so that a commit happens. */
    private static final String VERSION_MARKER = "!version";
    private static final String MAILBOX = "mailbox";
    private static final String UID = "uid";
    private static final DateTimeFormatter DAY = DateTimeFormatter.BASIC_ISO_DATE;
    /** Buffered documents are flushed to a segment beyond this (the server's heap is small, see the launcher). */
    private static final double RAM_BUFFER_MB = 8;

    private final Directory directory;
    private final IndexWriter writer;
    private final AtomicBoolean dirty = new AtomicBoolean();
    /** True once every message is in this index under {@link #VERSION} (up to date at start, or rebuilt). */
    private volatile boolean complete;

    /** The commit data of the last commit before this process opened the index. */
    private final Map<String, String> lastCommit;
    /** The commit data of the last commit (this process's, once it committed). */
    private Map<String, String> committed;
    /** Shared parts added by this process (each is added once; a restart adds it again, replacing it). */
    private final Set<String> sharedAdded = ConcurrentHashMap.newKeySet();

    /**
     * The index's files in {@code dir}, read through {@code RandomAccessFile}s ({@link SimpleFSDirectory}).
     *
     * <p>Why not {@code FSDirectory.open}: on Java 9+ it picks NIOFSDirectory (Lucene 3.6 cannot unmap, so no
     * MMapDirectory), whose reads go through interruptible FileChannels shared by every reader of a file. One thread
     * interrupted while it touches the index (the server interrupts several at every stop: the committer's timer,
     * cancelled broadcast lanes, the catch-up and rebuild threads) closes those channels for good, and every later
     * search and commit of that run fails ({@code TextIndexInterruptTest}; seen as "commit failed … _1.fnm" at stops).
     * Lucene's own advice for programs that interrupt threads is SimpleFSDirectory. Its reads of one file are
     * serialised, which costs nothing measurable here: a search reads a few small postings lists.
     */
    static Directory onDisk(File dir) throws IOException {
        return new SimpleFSDirectory(dir);
    }

    public TextIndex(Directory directory) throws IOException {
        this.directory = directory;
        this.lastCommit = IndexReader.indexExists(directory) ? IndexReader.getCommitUserData(directory) : Map.of();
        this.committed = lastCommit;
        IndexWriterConfig config = new IndexWriterConfig(Version.LUCENE_36, new KeywordAnalyzer());
        config.setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND);
        // Throughput: documents arrive one at a time (a delivery, a broadcast copy) and are flushed when a search
        // opens a reader or the committer commits, so segments start small. Fewer, larger merges: a tier of 20
        // segments before one merge (Lucene's default 10 merged the many tiny flushed segments twice as often).
        TieredMergePolicy merges = new TieredMergePolicy();
        merges.setSegmentsPerTier(20);
        merges.setMaxMergeAtOnce(20);
        config.setMergePolicy(merges);
        config.setRAMBufferSizeMB(RAM_BUFFER_MB);
        // Readers opened for searches share the writer's segment readers instead of opening each segment anew.
        config.setReaderPooling(true);
        this.writer = new IndexWriter(directory, config);
    }

    /**
     * Whether the run that made the last commit ended without closing the index (a crash, {@code kill -9}): messages
     * delivered after its last commit may be missing, and those expunged after it may still be there. An index from
     * before this was recorded counts as closed cleanly (the version before always committed at its stop).
     */
    public boolean lastRunEndedUncleanly() {
        return "true".equals(lastCommit.get(OPEN_KEY));
    }

    /** The layout version of the last commit; empty string when nothing was ever committed. */
    public String committedVersion() throws IOException {
        if (!IndexReader.indexExists(directory)) {
            return "";
        }
        return IndexReader.getCommitUserData(directory).getOrDefault(VERSION_KEY, "");
    }

    /** The UIDs of the messages this index holds in folder {@code mailboxId}. */
    TreeSet<Long> uidsIn(String mailboxId) throws IOException {
        TreeSet<Long> found = new TreeSet<>();
        try (IndexReader reader = IndexReader.open(writer, true); IndexSearcher searcher = new IndexSearcher(reader)) {
            collectUids(searcher, inFolder(mailboxId, new MatchAllDocsQuery()), found);
        }
        return found;
    }

    /**
     * The UIDs of the messages, of every folder, in the last commit of the index in {@code directory}: what a start
     * finds there after a crash. Read without a writer, so also while a server has the index open (tests).
     */
    static TreeSet<Long> committedUids(Directory directory) throws IOException {
        TreeSet<Long> found = new TreeSet<>();
        if (IndexReader.indexExists(directory)) {
            try (IndexReader reader = IndexReader.open(directory); IndexSearcher searcher = new IndexSearcher(reader)) {
                collectUids(searcher, new PrefixQuery(new Term(MAILBOX, "")), found);
            }
        }
        return found;
    }

    /** Adds the message, replacing any document it had. */
    public void put(String mailboxId, long uid, MessageText text) throws IOException {
        put(mailboxId, uid, Terms.of(text));
    }

    /** Adds a message whose text is {@code terms}, replacing any document it had. */
    void put(String mailboxId, long uid, Terms terms) throws IOException {
        Document doc = message(mailboxId, uid);
        addText(doc, terms);
        writer.updateDocument(new Term(KEY, key(mailboxId, uid)), doc);
        dirty.set(true);
    }

    /**
     * Adds the text many messages share (a broadcast notice: its whole header and body) once, as a document of no
     * folder under {@code sharedId}; each copy then refers to it ({@link #putCopy}). Added once per process; after a
     * restart the first batch adds it again, replacing the earlier one. Returns {@code sharedId}.
     */
    /** Whether this process has added the shared part {@code sharedId} ({@link #putShared}). */
    boolean hasShared(String sharedId) {
        return sharedAdded.contains(sharedId);
    }

    synchronized String putShared(String sharedId, Terms terms) throws IOException {
        if (!sharedAdded.contains(sharedId)) {
            Document doc = new Document();
            doc.add(new Field(KEY, SHARED_KEY_PREFIX + sharedId, Field.Store.NO, Field.Index.NOT_ANALYZED_NO_NORMS));
            doc.add(new Field(SHARED_ID, sharedId, Field.Store.YES, Field.Index.NOT_ANALYZED_NO_NORMS));
            addText(doc, terms);
            writer.updateDocument(new Term(KEY, SHARED_KEY_PREFIX + sharedId), doc);
            dirty.set(true);
            // Only now: a copy prepared by another thread must not refer to a shared part not yet in the writer.
            sharedAdded.add(sharedId);
        }
        return sharedId;
    }

    /**
     * Adds a copy of shared content: a small document with the copy's own header fields ({@code own}) and a reference
     * to the shared part's document, which {@link #putShared} added before. Searching treats the two as one message:
     * a string is found in a field when it is in the copy's own values or in the shared part's (no value spans both,
     * each ends with {@link SearchText#END}), so the answers are those of indexing the whole copy, without analysing
     * the shared text once per copy.
     */
    void putCopy(String mailboxId, long uid, Terms own, String sharedId) throws IOException {
        Document doc = message(mailboxId, uid);
        doc.add(new Field(SHARED, sharedId, Field.Store.NO, Field.Index.NOT_ANALYZED_NO_NORMS));
        addText(doc, own);
        writer.updateDocument(new Term(KEY, key(mailboxId, uid)), doc);
        dirty.set(true);
    }

    private static Document message(String mailboxId, long uid) {
        Document doc = new Document();
        doc.add(new Field(KEY, key(mailboxId, uid), Field.Store.NO, Field.Index.NOT_ANALYZED_NO_NORMS));
        doc.add(new Field(MAILBOX, mailboxId, Field.Store.NO, Field.Index.NOT_ANALYZED_NO_NORMS));
        doc.add(new NumericField(UID, Field.Store.NO, true).setLongValue(uid));
        return doc;
    }

    private static void addText(Document doc, Terms terms) {
        terms.fields().forEach((name, text) -> {
            Field f = new Field(name, new BigramTokens(text));
            f.setOmitNorms(true); // answers are sets of UIDs, never ranked: no length norms to compute or store
            doc.add(f);
        });
        terms.sentDay().ifPresent(day -> doc.add(new Field(SENT_DAY, DAY.format(day), Field.Store.NO, Field.Index.NOT_ANALYZED_NO_NORMS)));
    }

    /**
     * What this index holds of one message's text: per field, its values {@link SearchText#normalize normalised},
     * each followed by {@link SearchText#END}, which {@link BigramTokens} cut into bigrams when the document is
     * added. Content many copies share (a broadcast notice) is normalised and analysed once ({@link #putShared}).
     */
    record Terms(Map<String, String> fields, Optional<LocalDate> sentDay) {
        static Terms of(MessageText text) {
            Map<String, String> fields = new LinkedHashMap<>();
            fields.put(BODY, values(List.of(text.body())));
            StringBuilder lines = new StringBuilder();
            text.headers().forEach((name, values) -> {
                fields.put(HEADER_PREFIX + name, values(values));
                values.forEach(v -> lines.append(SearchText.normalize(name + ": " + v)).append(SearchText.END));
            });
            fields.put(HEADERS, lines.toString());
            text.addresses().forEach((name, forms) -> fields.put(ADDRESS_PREFIX + name, values(forms)));
            return new Terms(fields, text.sentDay());
        }

        private static String values(List<String> values) {
            StringBuilder text = new StringBuilder();
            for (String value : values) {
                text.append(SearchText.normalize(value)).append(SearchText.END);
            }
            return text.toString();
        }

    }

    public void delete(String mailboxId, long uid) throws IOException {
        writer.deleteDocuments(new Term(KEY, key(mailboxId, uid)));
        dirty.set(true);
    }

    public void delete(String mailboxId, long fromUid, long toUid) throws IOException {
        BooleanQuery q = new BooleanQuery();
        q.add(new TermQuery(new Term(MAILBOX, mailboxId)), BooleanClause.Occur.MUST);
        q.add(NumericRangeQuery.newLongRange(UID, fromUid, toUid, true, true), BooleanClause.Occur.MUST);
        writer.deleteDocuments(q);
        dirty.set(true);
    }

    public void deleteMailbox(String mailboxId) throws IOException {
        writer.deleteDocuments(new Term(MAILBOX, mailboxId));
        dirty.set(true);
    }

    /** Every message is in the index under the current layout: later commits say so. */
    void markComplete() {
        complete = true;
    }

    boolean isComplete() {
        return complete;
    }

    /**
     * Makes everything added so far durable. The commit names the current layout only once the index is complete; a
     * commit during a rebuild does not, so a crash in the middle makes the next start rebuild again.
     */
    public void commit() throws IOException {
        commit(complete ? VERSION : "incomplete", true);
    }

    /**
     * Commits with {@code version} and {@code open} in the commit data. Lucene skips a commit without changed
     * documents, which would leave new commit data unwritten: when it differs from the last, a marker document
     * changes too.
     */
    private synchronized void commit(String version, boolean open) throws IOException {
        dirty.set(false);
        Map<String, String> data = new HashMap<>();
        data.put(VERSION_KEY, version);
        data.put(OPEN_KEY, Boolean.toString(open));
        if (!data.equals(committed)) {
            Document marker = new Document();
            marker.add(new Field(KEY, VERSION_MARKER, Field.Store.NO, Field.Index.NOT_ANALYZED_NO_NORMS));
            marker.add(new Field(VERSION_KEY, version + (open ? " open" : " closed"), Field.Store.YES, Field.Index.NO));
            writer.updateDocument(new Term(KEY, VERSION_MARKER), marker);
        }
        writer.commit(data);
        committed = data;
    }

    public boolean isDirty() {
        return dirty.get();
    }

    /** The UIDs in folder {@code mailboxId} whose {@code field} contains {@code normalized}. */
    TreeSet<Long> uidsContaining(String mailboxId, String normalized, String... fields) throws IOException {
        return uids(mailboxId, fields.length == 1 ? SubstringQueries.contains(fields[0], normalized)
            : SubstringQueries.containsInAny(normalized, fields));
    }

    /** The UIDs in folder {@code mailboxId} whose Date header's day is in [from, to] (either end open when null). */
    TreeSet<Long> uidsSentBetween(String mailboxId, LocalDate from, LocalDate to) throws IOException {
        Query range = new org.apache.lucene.search.TermRangeQuery(SENT_DAY,
            from == null ? null : DAY.format(from), to == null ? null : DAY.format(to), true, true);
        return uids(mailboxId, range);
    }

    /**
     * The UIDs in folder {@code mailboxId} whose document matches {@code condition}, or whose shared part's document
     * does ({@link #putCopy}).
     */
    private TreeSet<Long> uids(String mailboxId, Query condition) throws IOException {
        TreeSet<Long> found = new TreeSet<>();
        try (IndexReader reader = IndexReader.open(writer, true); IndexSearcher searcher = new IndexSearcher(reader)) {
            collectUids(searcher, inFolder(mailboxId, condition), found);
            if (condition instanceof MatchAllDocsQuery) {
                return found; // every message of the folder is found directly
            }
            List<String> shared = sharedMatching(searcher, condition);
            if (!shared.isEmpty()) {
                BooleanQuery anyOf = new BooleanQuery();
                for (String id : shared) {
                    anyOf.add(new TermQuery(new Term(SHARED, id)), BooleanClause.Occur.SHOULD);
                }
                collectUids(searcher, inFolder(mailboxId, anyOf), found);
            }
        }
        return found;
    }

    private static Query inFolder(String mailboxId, Query condition) {
        BooleanQuery q = new BooleanQuery();
        q.add(new TermQuery(new Term(MAILBOX, mailboxId)), BooleanClause.Occur.MUST);
        q.add(condition, BooleanClause.Occur.MUST);
        return q;
    }

    /** The ids of the shared parts whose document matches {@code condition} (few: one per distinct notice). */
    private static List<String> sharedMatching(IndexSearcher searcher, Query condition) throws IOException {
        BooleanQuery q = new BooleanQuery();
        q.add(new PrefixQuery(new Term(KEY, SHARED_KEY_PREFIX)), BooleanClause.Occur.MUST);
        q.add(condition, BooleanClause.Occur.MUST);
        List<Integer> docs = new ArrayList<>();
        searcher.search(q, new Collector() {
            private int base;

            @Override
            public void setScorer(Scorer scorer) {
            }

            @Override
            public void collect(int doc) {
                docs.add(base + doc);
            }

            @Override
            public void setNextReader(IndexReader segment, int docBase) {
                base = docBase;
            }

            @Override
            public boolean acceptsDocsOutOfOrder() {
                return true;
            }
        });
        List<String> ids = new ArrayList<>(docs.size());
        for (int doc : docs) {
            ids.add(searcher.doc(doc).get(SHARED_ID));
        }
        return ids;
    }

    private static void collectUids(IndexSearcher searcher, Query q, TreeSet<Long> found) throws IOException {
        searcher.search(q, new Collector() {
            private long[] uids;

            @Override
            public void setScorer(Scorer scorer) {
            }

            @Override
            public void collect(int doc) {
                found.add(uids[doc]);
            }

            @Override
            public void setNextReader(IndexReader segment, int docBase) throws IOException {
                uids = FieldCache.DEFAULT.getLongs(segment, UID, FieldCache.NUMERIC_UTILS_LONG_PARSER);
            }

            @Override
            public boolean acceptsDocsOutOfOrder() {
                return true;
            }
        });
    }

    private static String key(String mailboxId, long uid) {
        return mailboxId + "/" + uid;
    }

    /** Commits, recording that this run ended cleanly (nothing to check at the next start), and closes. */
    @Override
    public void close() throws IOException {
        try {
            commit(complete ? VERSION : "incomplete", false);
        } finally {
            writer.close();
        }
    }
}

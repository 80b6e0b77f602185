package org.civicmail.search;

import java.io.IOException;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.lucene.analysis.KeywordAnalyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.NumericField;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.Collector;
import org.apache.lucene.search.FieldCache;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.NumericRangeQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.Scorer;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.store.Directory;
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
    private static final String KEY = "key";
    /** The key of the one document that is not a message: it changes with the version so that a commit happens. */
    private static final String VERSION_MARKER = "!version";
    private static final String MAILBOX = "mailbox";
    private static final String UID = "uid";
    private static final DateTimeFormatter DAY = DateTimeFormatter.BASIC_ISO_DATE;

    private final Directory directory;
    private final IndexWriter writer;
    private final AtomicBoolean dirty = new AtomicBoolean();
    /** True once every message is in this index under {@link #VERSION} (up to date at start, or rebuilt). */
    private volatile boolean complete;

    public TextIndex(Directory directory) throws IOException {
        this.directory = directory;
        IndexWriterConfig config = new IndexWriterConfig(Version.LUCENE_36, new KeywordAnalyzer());
        config.setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND);
        this.writer = new IndexWriter(directory, config);
    }

    /** The layout version of the last commit; empty string when nothing was ever committed. */
    public String committedVersion() throws IOException {
        if (!IndexReader.indexExists(directory)) {
            return "";
        }
        return IndexReader.getCommitUserData(directory).getOrDefault(VERSION_KEY, "");
    }

    /** Adds the message, replacing any document it had. */
    public void put(String mailboxId, long uid, MessageText text) throws IOException {
        put(mailboxId, uid, Terms.of(text));
    }

    /** Adds a message whose text is {@code terms}, replacing any document it had. */
    void put(String mailboxId, long uid, Terms terms) throws IOException {
        Document doc = new Document();
        doc.add(new Field(KEY, key(mailboxId, uid), Field.Store.NO, Field.Index.NOT_ANALYZED_NO_NORMS));
        doc.add(new Field(MAILBOX, mailboxId, Field.Store.NO, Field.Index.NOT_ANALYZED_NO_NORMS));
        doc.add(new NumericField(UID, Field.Store.NO, true).setLongValue(uid));
        terms.fields().forEach((name, text) -> {
            Field f = new Field(name, new BigramTokens(text));
            // As before the text was prepared apart: every field without norms but the one of all header lines.
            f.setOmitNorms(!name.equals(HEADERS));
            doc.add(f);
        });
        terms.sentDay().ifPresent(day -> doc.add(new Field(SENT_DAY, DAY.format(day), Field.Store.NO, Field.Index.NOT_ANALYZED_NO_NORMS)));
        writer.updateDocument(new Term(KEY, key(mailboxId, uid)), doc);
        dirty.set(true);
    }

    /**
     * What this index holds of one message's text: per field, its values {@link SearchText#normalize normalised},
     * each followed by {@link SearchText#END}, which {@link BigramTokens} cut into bigrams when the document is
     * added. Normalising is most of the cost of indexing a message; content many copies share (a broadcast notice)
     * is normalised once and each copy's own header fields put in front ({@link #followedBy}).
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

        /**
         * The terms of a message whose header is these terms' header fields followed by {@code rest}'s whole message
         * (header and body): the same as {@link #of} the whole message gives, since each field's values are in header
         * order and each ends with END. Only header fields are taken from this side (its body is {@code rest}'s), so
         * these must come from a header without a Date field.
         */
        Terms followedBy(Terms rest) {
            Map<String, String> fields = new LinkedHashMap<>();
            this.fields.forEach((name, text) -> {
                if (!name.equals(BODY)) {
                    fields.put(name, text);
                }
            });
            rest.fields.forEach((name, text) -> fields.merge(name, text, String::concat));
            return new Terms(fields, rest.sentDay);
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
        dirty.set(false);
        String version = complete ? VERSION : "incomplete";
        if (!version.equals(committedVersion())) {
            // Lucene skips a commit without changes, and the new version would not be written: change something.
            Document marker = new Document();
            marker.add(new Field(KEY, VERSION_MARKER, Field.Store.NO, Field.Index.NOT_ANALYZED_NO_NORMS));
            marker.add(new Field(VERSION_KEY, version, Field.Store.YES, Field.Index.NO));
            writer.updateDocument(new Term(KEY, VERSION_MARKER), marker);
        }
        Map<String, String> data = new HashMap<>();
        data.put(VERSION_KEY, version);
        writer.commit(data);
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

    private TreeSet<Long> uids(String mailboxId, Query condition) throws IOException {
        BooleanQuery q = new BooleanQuery();
        q.add(new TermQuery(new Term(MAILBOX, mailboxId)), BooleanClause.Occur.MUST);
        q.add(condition, BooleanClause.Occur.MUST);
        TreeSet<Long> found = new TreeSet<>();
        try (IndexReader reader = IndexReader.open(writer, true); IndexSearcher searcher = new IndexSearcher(reader)) {
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
        return found;
    }

    private static String key(String mailboxId, long uid) {
        return mailboxId + "/" + uid;
    }

    @Override
    public void close() throws IOException {
        try {
            commit();
        } finally {
            writer.close();
        }
    }
}

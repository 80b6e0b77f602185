package org.civicmail.search;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

import javax.annotation.PreDestroy;
import javax.inject.Inject;

import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.SessionProvider;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.lucene.search.LuceneMessageSearchIndex;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.model.MessageId;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.mailbox.model.SearchQuery;
import org.apache.james.mailbox.model.SearchQuery.Criterion;
import org.apache.james.mailbox.store.MailboxSessionMapperFactory;
import org.apache.james.mailbox.store.mail.model.MailboxMessage;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.store.Directory;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * James's Lucene search index with RFC 3501 text matching: the text keys of a search (TEXT, BODY, SUBJECT, HEADER,
 * FROM, TO, CC, BCC) and the SENT* date keys are answered by CivicMail's {@link TextIndex} (case-insensitive
 * substring of the decoded text, Chinese included; the Date header's own day), everything else (flags, UIDs, sizes,
 * internal dates, sorting) by James's index as before. Text keys at the top level of a search narrow James's answer;
 * nested under OR or NOT they become the set of UIDs they match, so any combination means what RFC 3501 says.
 *
 * <p>Each message added to or removed from James's index is added to or removed from the text index too, whoever
 * calls it (James's listener, the broadcast writer); {@link #commit()} commits both.
 */
public class SubstringSearchIndex extends LuceneMessageSearchIndex {
    static {
        // A text key nested under OR/NOT becomes one UID range per run of matching UIDs; Lucene's default limit
        // (1024 clauses) would refuse such a search in a large folder.
        BooleanQuery.setMaxClauseCount(Math.max(BooleanQuery.getMaxClauseCount(), 1 << 20));
    }

    private final TextIndex text;
    private final TextIndexRebuild rebuild;
    private volatile boolean closed;

    @Inject
    public SubstringSearchIndex(MailboxSessionMapperFactory factory, MailboxId.Factory mailboxIdFactory, Directory directory,
                                MessageId.Factory messageIdFactory, SessionProvider sessionProvider, TextIndex text,
                                TextIndexRebuild rebuild) throws IOException {
        super(factory, mailboxIdFactory, directory, messageIdFactory, sessionProvider);
        this.text = text;
        this.rebuild = rebuild;
    }

    @Override
    public Mono<Void> add(MailboxSession session, Mailbox mailbox, MailboxMessage message) {
        return super.add(session, mailbox, message).then(Mono.fromRunnable(() -> {
            try {
                text.put(mailbox.getMailboxId().serialize(), message.getUid().asLong(), MessageTextReader.read(message.getFullContent()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }));
    }

    /** Adds the message to James's index only; its text goes to the text index apart ({@link SharedContentIndexing}). */
    Mono<Void> addWithoutText(MailboxSession session, Mailbox mailbox, MailboxMessage message) {
        return super.add(session, mailbox, message);
    }

    @Override
    public Mono<Void> delete(MailboxSession session, MailboxId mailboxId, Collection<MessageUid> expungedUids) {
        return super.delete(session, mailboxId, expungedUids).then(Mono.fromRunnable(() -> {
            try {
                for (MessageUid uid : expungedUids) {
                    text.delete(mailboxId.serialize(), uid.asLong());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }));
    }

    @Override
    public Mono<Void> deleteAll(MailboxSession session, MailboxId mailboxId) {
        return super.deleteAll(session, mailboxId).then(Mono.fromRunnable(() -> {
            try {
                text.deleteMailbox(mailboxId.serialize());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }));
    }

    @Override
    public void delete(MailboxId mailboxId, MessageRange range) throws IOException {
        super.delete(mailboxId, range);
        text.delete(mailboxId.serialize(), range.getUidFrom().asLong(), range.getUidTo().asLong());
    }

    @Override
    public void commit() throws IOException {
        super.commit();
        text.commit();
    }

    @Override
    public Flux<MessageUid> doSearch(MailboxSession session, Mailbox mailbox, SearchQuery query) throws MailboxException {
        if (query.getCriteria().stream().noneMatch(SubstringSearchIndex::mentionsText)) {
            return super.doSearch(session, mailbox, query);
        }
        String folder = mailbox.getMailboxId().serialize();
        try {
            rebuild.ensureIndexed(mailbox);
            TreeSet<Long> required = null;
            List<Criterion> rest = new ArrayList<>();
            for (Criterion c : query.getCriteria()) {
                if (isText(c)) {
                    TreeSet<Long> matching = matching(folder, c);
                    if (required == null) {
                        required = matching;
                    } else {
                        required.retainAll(matching);
                    }
                } else {
                    rest.add(rewritten(folder, c));
                }
            }
            if (required != null && required.isEmpty()) {
                return Flux.empty();
            }
            if (rest.isEmpty() && query.getSorts().equals(SearchQuery.DEFAULT_SORTS)) {
                // Text keys only, in UID order (every IMAP SEARCH): the text index's answer is the whole answer.
                return Flux.fromIterable(required).map(MessageUid::of);
            }
            if (rest.isEmpty()) {
                rest.add(SearchQuery.all());
            }
            SearchQuery relaxed = SearchQuery.builder()
                .andCriteria(rest)
                .sorts(query.getSorts())
                .addRecentMessageUids(query.getRecentMessageUids())
                .build();
            TreeSet<Long> narrowing = required;
            Flux<MessageUid> found = super.doSearch(session, mailbox, relaxed);
            return narrowing == null ? found : found.filter(uid -> narrowing.contains(uid.asLong()));
        } catch (IOException e) {
            throw new MailboxException("the search index cannot answer a text search in folder " + folder, e);
        }
    }

    /** A text key nested in OR/NOT/AND becomes the UIDs it matches; other keys stay as they are. */
    private Criterion rewritten(String folder, Criterion c) throws IOException {
        if (isText(c)) {
            return SearchQuery.uid(UidRanges.of(matching(folder, c)));
        }
        if (c instanceof SearchQuery.ConjunctionCriterion conjunction && mentionsText(c)) {
            List<Criterion> children = new ArrayList<>();
            for (Criterion child : conjunction.getCriteria()) {
                children.add(rewritten(folder, child));
            }
            switch (conjunction.getType()) {
                case AND:
                    return SearchQuery.and(children);
                case OR:
                    return SearchQuery.or(children);
                default:
                    return SearchQuery.not(children);
            }
        }
        return c;
    }

    private static boolean mentionsText(Criterion c) {
        if (c instanceof SearchQuery.ConjunctionCriterion conjunction) {
            return conjunction.getCriteria().stream().anyMatch(SubstringSearchIndex::mentionsText);
        }
        return isText(c);
    }

    private static boolean isText(Criterion c) {
        if (c instanceof SearchQuery.TextCriterion t) {
            return t.getType() == SearchQuery.Scope.BODY || t.getType() == SearchQuery.Scope.FULL;
        }
        if (c instanceof SearchQuery.SubjectCriterion) {
            return true;
        }
        if (c instanceof SearchQuery.HeaderCriterion h) {
            SearchQuery.HeaderOperator op = h.getOperator();
            return op instanceof SearchQuery.ContainsOperator || op instanceof SearchQuery.AddressOperator
                || (op instanceof SearchQuery.DateOperator d && d.getDateResultion() == SearchQuery.DateResolution.Day
                    && h.getHeaderName().equalsIgnoreCase("Date"));
        }
        return false;
    }

    private TreeSet<Long> matching(String folder, Criterion c) throws IOException {
        if (c instanceof SearchQuery.TextCriterion t) {
            String value = SearchText.normalize(t.getOperator().getValue());
            return t.getType() == SearchQuery.Scope.BODY
                ? text.uidsContaining(folder, value, TextIndex.BODY)
                : text.uidsContaining(folder, value, TextIndex.HEADERS, TextIndex.BODY);
        }
        if (c instanceof SearchQuery.SubjectCriterion s) {
            return text.uidsContaining(folder, SearchText.normalize(s.getSubject()), TextIndex.HEADER_PREFIX + "subject");
        }
        SearchQuery.HeaderCriterion h = (SearchQuery.HeaderCriterion) c;
        String name = h.getHeaderName().toLowerCase(Locale.ROOT);
        if (h.getOperator() instanceof SearchQuery.AddressOperator a) {
            return text.uidsContaining(folder, SearchText.normalize(a.getAddress()), TextIndex.ADDRESS_PREFIX + name);
        }
        if (h.getOperator() instanceof SearchQuery.ContainsOperator contains) {
            return text.uidsContaining(folder, SearchText.normalize(contains.getValue()), TextIndex.HEADER_PREFIX + name);
        }
        SearchQuery.DateOperator date = (SearchQuery.DateOperator) h.getOperator();
        // James's IMAP layer turns the search key's day into an instant on that day in UTC (DayMonthYear.toDate).
        LocalDate day = LocalDate.ofInstant(date.getDate().toInstant(), ZoneOffset.UTC);
        switch (date.getType()) {
            case ON:
                return text.uidsSentBetween(folder, day, day);
            case BEFORE:
                return text.uidsSentBetween(folder, null, day.minusDays(1));
            default:
                return text.uidsSentBetween(folder, day.plusDays(1), null);
        }
    }

    @Override
    @PreDestroy
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        rebuild.stop();
        try {
            super.close();
        } finally {
            text.close();
        }
    }
}

package org.civicmail.search;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import javax.annotation.PreDestroy;
import javax.inject.Inject;
import javax.mail.Flags;

import org.apache.james.events.Event;
import org.apache.james.events.Group;
import org.apache.james.mailbox.AttachmentContentLoader;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.SessionProvider;
import org.apache.james.mailbox.events.MailboxEvents.Added;
import org.apache.james.mailbox.events.MailboxEvents.Expunged;
import org.apache.james.mailbox.events.MailboxEvents.MailboxDeletion;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.model.MessageId;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.mailbox.model.SearchQuery;
import org.apache.james.mailbox.model.SearchQuery.Criterion;
import org.apache.james.mailbox.model.SearchQuery.UidRange;
import org.apache.james.mailbox.model.UpdatedFlags;
import org.apache.james.mailbox.store.MailboxSessionMapperFactory;
import org.apache.james.mailbox.store.extractor.DefaultTextExtractor;
import org.apache.james.mailbox.store.mail.MessageMapper;
import org.apache.james.mailbox.store.mail.MessageMapper.FetchType;
import org.apache.james.mailbox.store.mail.model.MailboxMessage;
import org.apache.james.mailbox.store.search.ListeningMessageSearchIndex;
import org.apache.james.mailbox.store.search.MessageSearches;
import org.apache.james.mailbox.store.search.SimpleMessageSearchIndex;
import org.apache.lucene.search.BooleanQuery;

import com.google.common.collect.ImmutableSet;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * CivicMail's search index for James: the text keys of a search (TEXT, BODY, SUBJECT, HEADER, FROM, TO, CC, BCC) and
 * the SENT* date keys are answered by the {@link TextIndex} (case-insensitive substring of the decoded text, Chinese
 * included; the Date header's own day); every other key (flags, UIDs, sizes, internal dates, modseqs) and sorting
 * from the folder's own messages as the mailbox store has them, evaluated by James's {@link MessageSearches}. Text
 * keys at the top level of a search narrow which messages are read; nested under OR or NOT they become the set of
 * UIDs they match, so any combination means what RFC 3501 says.
 *
 * <p>Nothing but text is indexed, so a flag change (STORE, the \Recent reset of a SELECT) costs the index nothing:
 * this listener does not even receive {@code FlagsUpdated}. James's own Lucene index, which CivicMail ran beside this
 * one until it was measured at about a fifth of the server's CPU on the delivery path, is not used; a data directory
 * that still has it ({@code james/var/search}) has it removed at start ({@link SearchModule}).
 *
 * <p>Added messages are indexed by the listener from the message in hand when the store kept it
 * ({@link RecentAppends}), else read back from the store; {@link #commit()} makes the index durable
 * ({@link IndexCommitter} does every few seconds; a crash loses at most that, and the next start puts it right,
 * {@link TextIndexRebuild}).
 */
public class SubstringSearchIndex extends ListeningMessageSearchIndex {
    static {
        // A text key nested under OR/NOT becomes one UID range per run of matching UIDs; the shared parts a search
        // matches become one clause each. Lucene's default limit (1024 clauses) would refuse such a search.
        BooleanQuery.setMaxClauseCount(Math.max(BooleanQuery.getMaxClauseCount(), 1 << 20));
    }

    /** The group under which James delivers mailbox events to this index. */
    public static final class SubstringSearchIndexGroup extends Group {
    }

    private static final Group GROUP = new SubstringSearchIndexGroup();
    /** Flags are not indexed: {@code FlagsUpdated} is not wanted. */
    private static final Set<Class<? extends Event>> HANDLED = Set.of(Added.class, Expunged.class, MailboxDeletion.class);

    private final MailboxSessionMapperFactory mappers;
    private final SessionProvider sessions;
    private final TextIndex text;
    private final TextIndexRebuild rebuild;
    private final RecentAppends appends;
    private final AttachmentContentLoader attachments;
    private final DefaultTextExtractor textExtractor = new DefaultTextExtractor();
    private volatile boolean closed;

    @Inject
    public SubstringSearchIndex(MailboxSessionMapperFactory mappers, SessionProvider sessions, TextIndex text, TextIndexRebuild rebuild,
                                RecentAppends appends, AttachmentContentLoader attachments) {
        super(mappers, ImmutableSet.of(), sessions);
        this.mappers = mappers;
        this.sessions = sessions;
        this.text = text;
        this.rebuild = rebuild;
        this.appends = appends;
        this.attachments = attachments;
    }

    @Override
    public Group getDefaultGroup() {
        return GROUP;
    }

    @Override
    public boolean isHandling(Event event) {
        return HANDLED.contains(event.getClass());
    }

    /**
     * An {@code Added} event whose messages the store kept in hand ({@link RecentAppends}) is indexed from them;
     * otherwise James's listener reads them back from the store.
     */
    @Override
    public Mono<Void> reactiveEvent(Event event) {
        if (event instanceof Added added) {
            List<RecentAppends.Appended> inHand = appends.take(added.getMailboxId(), added.getUids());
            if (inHand != null) {
                String folder = added.getMailboxId().serialize();
                return Mono.fromRunnable(() -> inHand.forEach(m -> put(folder, m.uid(), new java.io.ByteArrayInputStream(m.content()))));
            }
        }
        return super.reactiveEvent(event);
    }

    @Override
    public Mono<Void> add(MailboxSession session, Mailbox mailbox, MailboxMessage message) {
        return Mono.fromRunnable(() -> put(mailbox.getMailboxId(), message));
    }

    private void put(MailboxId mailboxId, MailboxMessage message) {
        try {
            put(mailboxId.serialize(), message.getUid().asLong(), message.getFullContent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void put(String folder, long uid, java.io.InputStream content) {
        try {
            text.put(folder, uid, MessageTextReader.read(content));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Mono<Void> delete(MailboxSession session, MailboxId mailboxId, Collection<MessageUid> expungedUids) {
        return Mono.fromRunnable(() -> {
            try {
                for (MessageUid uid : expungedUids) {
                    text.delete(mailboxId.serialize(), uid.asLong());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    @Override
    public Mono<Void> deleteAll(MailboxSession session, MailboxId mailboxId) {
        return Mono.fromRunnable(() -> {
            try {
                text.deleteMailbox(mailboxId.serialize());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** Removes the messages of {@code range} in the folder from the index (before indexing them again). */
    public void delete(MailboxId mailboxId, MessageRange range) throws IOException {
        text.delete(mailboxId.serialize(), range.getUidFrom().asLong(), range.getUidTo().asLong());
    }

    /** Flags are read from the mailbox when searched, never indexed: nothing to do. */
    @Override
    public Mono<Void> update(MailboxSession session, MailboxId mailboxId, List<UpdatedFlags> updatedFlagsList) {
        return Mono.empty();
    }

    /** The flags the index answers with: the message's own (James's re-indexer compares them with the store's). */
    @Override
    public Mono<Flags> retrieveIndexedFlags(Mailbox mailbox, MessageUid uid) {
        return Mono.fromCallable(() -> {
            MailboxSession session = sessions.createSystemSession(mailbox.getUser());
            try {
                Iterator<MailboxMessage> found = mappers.getMessageMapper(session)
                    .findInMailbox(mailbox, MessageRange.one(uid), FetchType.METADATA, 1);
                return found.hasNext() ? found.next().createFlags() : null;
            } finally {
                mappers.endProcessingRequest(session);
            }
        });
    }

    /** Makes everything indexed so far durable. */
    public void commit() throws IOException {
        text.commit();
    }

    @Override
    public EnumSet<MailboxManager.SearchCapabilities> getSupportedCapabilities(EnumSet<MailboxManager.MessageCapabilities> messageCapabilities) {
        return EnumSet.of(MailboxManager.SearchCapabilities.MultimailboxSearch);
    }

    @Override
    public Flux<MessageUid> doSearch(MailboxSession session, Mailbox mailbox, SearchQuery query) throws MailboxException {
        Selection selection = select(mailbox, query);
        if (selection.none()) {
            return Flux.empty();
        }
        if (selection.rest().isEmpty() && query.getSorts().equals(SearchQuery.DEFAULT_SORTS) && selection.required() != null) {
            // Text keys only, in UID order (every IMAP SEARCH of text): the text index's answer is the whole answer.
            return Flux.fromIterable(selection.required()).map(MessageUid::of);
        }
        if (selection.required() == null && query.getSorts().equals(SearchQuery.DEFAULT_SORTS)
            && selection.rest().stream().allMatch(c -> c instanceof SearchQuery.AllCriterion)) {
            // SEARCH ALL: the folder's UIDs, as the store lists them for a SELECT.
            return mappers.getMessageMapper(session).listAllMessageUids(mailbox);
        }
        return Flux.fromIterable(matching(session, mailbox, query, selection)).map(MailboxMessage::getUid);
    }

    /** Search over several folders (James's API for JMAP; IMAP searches one folder): message ids, folder by folder. */
    @Override
    public Flux<MessageId> search(MailboxSession session, Collection<MailboxId> mailboxIds, SearchQuery query, long limit) {
        return Flux.fromIterable(mailboxIds)
            .concatMap(id -> mappers.getMailboxMapper(session).findMailboxById(id))
            .concatMap(mailbox -> Mono.fromCallable(() -> matching(session, mailbox, query, select(mailbox, query))).flatMapMany(Flux::fromIterable))
            .map(MailboxMessage::getMessageId)
            .distinct()
            .take(limit);
    }

    /**
     * A search split in two: {@code required}, the UIDs the top-level text keys allow (null when there are none),
     * and {@code rest}, the other keys, with text keys nested in them replaced by the UIDs they match.
     */
    private record Selection(TreeSet<Long> required, List<Criterion> rest) {
        boolean none() {
            return required != null && required.isEmpty();
        }
    }

    private Selection select(Mailbox mailbox, SearchQuery query) throws MailboxException {
        String folder = mailbox.getMailboxId().serialize();
        try {
            if (query.getCriteria().stream().anyMatch(SubstringSearchIndex::mentionsText)) {
                rebuild.ensureIndexed(mailbox);
            }
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
            return new Selection(required, rest);
        } catch (IOException e) {
            throw new MailboxException("the search index cannot answer a text search in folder " + folder, e);
        }
    }

    /**
     * The folder's messages that match {@code selection}, in the query's order: read from the store (only those the
     * text keys allow, and only as much of each as the other keys and the sort need), judged and sorted by James.
     */
    private List<MailboxMessage> matching(MailboxSession session, Mailbox mailbox, SearchQuery query, Selection selection)
            throws MailboxException {
        if (selection.none()) {
            return List.of();
        }
        SearchQuery rest = SearchQuery.builder()
            .andCriteria(selection.rest())
            .sorts(query.getSorts())
            .addRecentMessageUids(query.getRecentMessageUids())
            .build();
        FetchType type = max(fetchType(selection.rest()), sortFetchType(query.getSorts()));
        MessageMapper messages = mappers.getMessageMapper(session);
        List<MailboxMessage> read = new ArrayList<>();
        if (selection.required() == null) {
            messages.findInMailbox(mailbox, MessageRange.all(), type, UNLIMITED).forEachRemaining(read::add);
        } else {
            for (UidRange run : UidRanges.of(selection.required())) {
                messages.findInMailbox(mailbox, MessageRange.range(run.getLowValue(), run.getHighValue()), type, UNLIMITED)
                    .forEachRemaining(read::add);
            }
        }
        Iterator<SimpleMessageSearchIndex.SearchResult> judged =
            new MessageSearches(read.iterator(), rest, textExtractor, attachments, session).iterator();
        java.util.Map<MessageUid, MailboxMessage> byUid = new java.util.HashMap<>();
        read.forEach(m -> byUid.put(m.getUid(), m));
        List<MailboxMessage> found = new ArrayList<>();
        judged.forEachRemaining(r -> found.add(byUid.get(r.getMessageUid())));
        return found;
    }

    /** How much of each message the keys left to James need: headers for header keys, all for attachment text. */
    private static FetchType fetchType(List<Criterion> criteria) {
        FetchType type = FetchType.METADATA;
        for (Criterion c : criteria) {
            if (c instanceof SearchQuery.ConjunctionCriterion conjunction) {
                type = max(type, fetchType(conjunction.getCriteria()));
            } else if (c instanceof SearchQuery.TextCriterion || c instanceof SearchQuery.AttachmentCriterion) {
                type = FetchType.FULL;
            } else if (c instanceof SearchQuery.HeaderCriterion || c instanceof SearchQuery.MimeMessageIDCriterion
                || c instanceof SearchQuery.SubjectCriterion) {
                type = max(type, FetchType.HEADERS);
            }
        }
        return type;
    }

    /** Arrival, size and UID order need the metadata only; the others (From, To, Cc, subject, sent date) the header. */
    private static FetchType sortFetchType(List<SearchQuery.Sort> sorts) {
        for (SearchQuery.Sort sort : sorts) {
            switch (sort.getSortClause()) {
                case Arrival:
                case Size:
                case Uid:
                case Id:
                    break;
                default:
                    return FetchType.HEADERS;
            }
        }
        return FetchType.METADATA;
    }

    private static FetchType max(FetchType a, FetchType b) {
        return a.compareTo(b) >= 0 ? a : b;
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

    @PreDestroy
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        rebuild.stop();
        text.close();
    }
}

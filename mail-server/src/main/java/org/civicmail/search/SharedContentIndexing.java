package org.civicmail.search;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import javax.inject.Inject;
import javax.mail.Flags;

import org.apache.james.core.Username;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.ModSeq;
import org.apache.james.mailbox.SessionProvider;
import org.apache.james.mailbox.model.ByteContent;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.model.MessageId;
import org.apache.james.mailbox.model.ThreadId;
import org.apache.james.mailbox.store.mail.model.MailboxMessage;
import org.apache.james.mailbox.store.mail.model.impl.PropertyBuilder;
import org.apache.james.mailbox.store.mail.model.impl.SimpleMailboxMessage;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Fieldable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import reactor.core.publisher.Mono;

/**
 * Indexes copies of one message that many mailboxes receive, each with a few header fields of its own in front (a
 * broadcast notice: one signed message, and per copy its verdict and {@code Delivered-To}). The shared part is
 * parsed and prepared once ({@link #prepare}): James's Lucene document fields of its header and body, and the
 * normalised text of our {@link TextIndex}. Each copy is then indexed with only its own fields made anew: its
 * identity (mailbox, UID, modseq, dates, size, flags) and its own header fields. The documents written are the ones
 * indexing each whole copy would write, so SEARCH answers the same.
 *
 * <p>James's side needs its private document builders ({@link JamesLuceneDocuments}); at start a probe copy is
 * indexed both ways in memory and the documents compared field by field. When they differ, or James has no such
 * members, one warning is logged and every copy goes through James's own {@code add} (its whole message parsed),
 * while our text index still uses the prepared text.
 */
public final class SharedContentIndexing {
    private static final Logger LOG = LoggerFactory.getLogger(SharedContentIndexing.class);
    /** Header fields whose first or last occurrence sets a whole-message field (first To, sent date): never a copy's own. */
    private static final Set<String> WHOLE_MESSAGE_FIELDS = Set.of("from", "to", "cc", "bcc", "date");
    private static final String PROBE_OWN = "X-CivicMail-Signature: valid; signer=\"a@gov.example\"\r\nDelivered-To: b@citizen.example\r\n";
    private static final String PROBE_SHARED = "From: =?UTF-8?B?5p2t5bee5biC?= <a@gov.example>\r\nTo: Citizen One <c1@citizen.example>, "
        + "c2@citizen.example\r\nCc: Office <o@gov.example>\r\nSubject: Re: 全市通知 probe\r\nDate: Mon, 30 Nov 2026 10:00:00 +0800\r\n"
        + "Message-ID: <probe@gov.example>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n"
        + "Content-Type: text/plain; charset=UTF-8\r\n\r\n请知悉 line one\r\nline two\r\n--b--\r\n";

    private final SubstringSearchIndex index;
    private final TextIndex text;
    private final MailboxSession system;
    private final MailboxId anyMailbox;
    private final MessageId.Factory messageIds;
    /** Empty when James's documents cannot be composed: then James's own {@code add} parses each copy. */
    private final Optional<Composer> composer;

    @Inject
    public SharedContentIndexing(SubstringSearchIndex index, TextIndex text, SessionProvider sessions, MailboxId.Factory mailboxIds,
                                 MessageId.Factory messageIds) {
        this.index = index;
        this.text = text;
        this.system = sessions.createSystemSession(Username.of("civicmail-index@localhost"));
        this.anyMailbox = mailboxIds.fromString("1");
        this.messageIds = messageIds;
        JamesLuceneDocuments.Result reached = JamesLuceneDocuments.reach(index);
        Optional<Composer> checked = Optional.empty();
        String whyNot = reached.whyNot();
        if (reached.documents().isPresent()) {
            try {
                checked = Composer.checked(reached.documents().get(), this);
                whyNot = checked.isPresent() ? "" : "a probe copy's composed document differs from the one James builds";
            } catch (IOException | RuntimeException e) {
                whyNot = "the probe copy cannot be indexed: " + e;
            }
        }
        this.composer = checked;
        if (composer.isEmpty()) {
            LOG.warn("Broadcast copies are indexed by James's own add, each whole copy parsed (slower): {}", whyNot);
        }
    }

    /** Whether James's documents are composed from the prepared content (false: James parses each copy). */
    public boolean composesJamesDocuments() {
        return composer.isPresent();
    }

    /** The shared part, ready for {@link #add}: the James document fields of its content and our index's text. */
    public static final class Prepared {
        private final List<Composer.Slot> jamesContent;
        private final TextIndex.Terms terms;

        private Prepared(List<Composer.Slot> jamesContent, TextIndex.Terms terms) {
            this.jamesContent = jamesContent;
            this.terms = terms;
        }
    }

    /** Prepares the message every copy ends with (its header and body). */
    public Prepared prepare(byte[] header, byte[] body) throws IOException {
        byte[] whole = concat(header, body);
        TextIndex.Terms terms = TextIndex.Terms.of(MessageTextReader.read(new ByteArrayInputStream(whole)));
        List<Composer.Slot> james = null;
        if (composer.isPresent()) {
            // Built under two identities, to learn which of its fields James derived from the identity (null: a
            // content field did, and each copy is then indexed by James whole).
            Composer c = composer.get();
            james = c.content(c.documents.message(system, standIn(whole, header.length, 1, new Date(0))),
                c.documents.message(system, standIn(whole, header.length, 2, new Date())));
        }
        return new Prepared(james, terms);
    }

    /** The shared part as a message of its own, under a made-up identity (which its content fields must not show). */
    private SimpleMailboxMessage standIn(byte[] content, int bodyStart, long uid, Date internalDate) {
        MessageId id = messageIds.generate();
        return SimpleMailboxMessage.builder().messageId(id).threadId(ThreadId.fromBaseMessageId(id)).uid(MessageUid.of(uid))
            .modseq(ModSeq.of(uid)).internalDate(internalDate).size(content.length).bodyStartOctet(bodyStart)
            .content(new ByteContent(content)).flags(new Flags()).properties(new PropertyBuilder()).mailboxId(anyMailbox).build();
    }

    /**
     * Indexes one copy: {@code copy} is the whole message as stored, {@code ownHeader} the header fields it has in
     * front of the prepared shared message. A copy whose own fields include From, To, Cc, Bcc or Date (an older
     * notice's To) is indexed whole, as James's listener would.
     */
    public Mono<Void> add(MailboxSession session, Mailbox mailbox, MailboxMessage copy, byte[] ownHeader, Prepared shared) {
        if (!ownFieldsOnly(ownHeader)) {
            return index.add(session, mailbox, copy);
        }
        return Mono.defer(() -> {
            try {
                byte[] own = concat(ownHeader, "\r\n".getBytes(StandardCharsets.US_ASCII));
                MailboxMessage ownPart = like(copy, own, own.length);
                Document composed = null;
                if (composer.isPresent() && shared.jamesContent != null) {
                    try {
                        composed = composer.get().compose(composer.get().documents.message(session, ownPart), shared.jamesContent);
                    } catch (IllegalStateException notComposable) {
                        LOG.debug("A broadcast copy is indexed whole: {}", notComposable.getMessage());
                    }
                }
                Mono<Void> james;
                if (composed != null) {
                    composer.get().documents.add(composed, composer.get().documents.flags(copy));
                    james = Mono.empty();
                } else {
                    james = index.addWithoutText(session, mailbox, copy);
                }
                TextIndex.Terms terms = TextIndex.Terms.of(MessageTextReader.read(new ByteArrayInputStream(own))).followedBy(shared.terms);
                return james.then(Mono.fromRunnable(() -> {
                    try {
                        text.put(mailbox.getMailboxId().serialize(), copy.getUid().asLong(), terms);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }));
            } catch (IOException e) {
                return Mono.error(e);
            }
        });
    }

    private static boolean ownFieldsOnly(byte[] ownHeader) {
        for (String line : new String(ownHeader, StandardCharsets.ISO_8859_1).split("\r?\n")) {
            int colon = line.indexOf(':');
            if (!line.isEmpty() && !Character.isWhitespace(line.charAt(0)) && colon > 0
                && WHOLE_MESSAGE_FIELDS.contains(line.substring(0, colon).strip().toLowerCase(Locale.ROOT))) {
                return false;
            }
        }
        return true;
    }

    /** A message with {@code identity}'s mailbox, UID, modseq, dates, size and flags, and {@code content} as content. */
    private static SimpleMailboxMessage like(MailboxMessage identity, byte[] content, int bodyStart) {
        return SimpleMailboxMessage.builder().messageId(identity.getMessageId()).threadId(identity.getThreadId()).uid(identity.getUid())
            .modseq(identity.getModSeq()).internalDate(identity.getInternalDate()).saveDate(identity.getSaveDate())
            .size(identity.getFullContentOctets()).bodyStartOctet(bodyStart).content(new ByteContent(content))
            .flags(identity.createFlags()).properties(identity.getProperties()).mailboxId(identity.getMailboxId()).build();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /**
     * Composes a copy's James document from the document of its own header fields (which carries its identity) and
     * the prepared content fields. Which of James's fields are identity and which are set from the whole header
     * (first From/To/Cc, the sent date for sorting) is learnt at start from James itself: the fields of an empty
     * message are exactly those two kinds, and those of them that change when the probe's header is added are the
     * whole-header ones. Field names of James are thus not written here.
     */
    private static final class Composer {
        final JamesLuceneDocuments documents;
        private final Set<String> identity;
        private final Set<String> wholeHeader;

        private Composer(JamesLuceneDocuments documents, Set<String> identity, Set<String> wholeHeader) {
            this.documents = documents;
            this.identity = identity;
            this.wholeHeader = wholeHeader;
        }

        /** Learns the field kinds and checks that a probe copy is composed exactly as James builds it; else empty. */
        static Optional<Composer> checked(JamesLuceneDocuments documents, SharedContentIndexing owner) throws IOException {
            byte[] shared = PROBE_SHARED.getBytes(StandardCharsets.UTF_8);
            byte[] own = PROBE_OWN.getBytes(StandardCharsets.US_ASCII);
            byte[] whole = concat(own, shared);
            int sharedHeader = PROBE_SHARED.getBytes(StandardCharsets.UTF_8).length
                - PROBE_SHARED.substring(PROBE_SHARED.indexOf("\r\n\r\n") + 4).getBytes(StandardCharsets.UTF_8).length;
            MessageId id = owner.messageIds.generate();
            Flags flags = new Flags(Flags.Flag.RECENT);
            SimpleMailboxMessage copy = SimpleMailboxMessage.builder().messageId(id).threadId(ThreadId.fromBaseMessageId(id))
                .uid(MessageUid.of(7)).modseq(ModSeq.of(9)).internalDate(new Date(1_796_000_000_000L)).size(whole.length)
                .bodyStartOctet(own.length + sharedHeader).content(new ByteContent(whole)).flags(flags).properties(new PropertyBuilder())
                .mailboxId(owner.anyMailbox).build();
            Document direct = documents.message(owner.system, copy);
            Document empty = documents.message(owner.system, like(copy, "\r\n".getBytes(StandardCharsets.US_ASCII), 2));
            Map<String, List<String>> emptyFields = describe(empty);
            Map<String, List<String>> directFields = describe(direct);
            Set<String> identity = new TreeSet<>();
            Set<String> wholeHeader = new TreeSet<>();
            emptyFields.forEach((name, values) -> (values.equals(directFields.get(name)) ? identity : wholeHeader).add(name));
            Composer composer = new Composer(documents, identity, wholeHeader);
            // The shared part under two other identities: what is shared must not depend on the copy's identity.
            byte[] ownPart = concat(own, "\r\n".getBytes(StandardCharsets.US_ASCII));
            List<Slot> content = composer.content(documents.message(owner.system, owner.standIn(shared, sharedHeader, 1, new Date(0))),
                documents.message(owner.system, owner.standIn(shared, sharedHeader, 2, new Date())));
            Map<String, List<String>> composed = content == null ? Map.of()
                : describe(composer.compose(documents.message(owner.system, like(copy, ownPart, ownPart.length)), content));
            boolean same = !wholeHeader.isEmpty() && composed.equals(directFields);
            if (!same) {
                LOG.debug("Composed probe document {} differs from James's {}", composed, directFields);
            }
            return same ? Optional.of(composer) : Optional.empty();
        }

        /**
         * One field of a copy's document taken from the shared part: the shared part's field itself, or, where James
         * derived that whole-header field from the message's identity (a body part's header without Date is sorted
         * by the internal date), the copy's own field of that name, which James derives the same way.
         */
        record Slot(Fieldable shared, String ownOf) {
        }

        /**
         * The fields a copy takes from the shared part, given the shared part's document under two identities: all
         * but its identity fields. Null when a field other than a whole-header one differs between the two (it would
         * depend on the copy), or the documents do not pair up.
         */
        List<Slot> content(Document one, Document two) {
            List<Fieldable> first = withoutIdentity(one);
            List<Fieldable> second = withoutIdentity(two);
            if (first.size() != second.size()) {
                return null;
            }
            List<Slot> slots = new ArrayList<>(first.size());
            for (int i = 0; i < first.size(); i++) {
                Fieldable a = first.get(i);
                Fieldable b = second.get(i);
                if (!a.name().equals(b.name())) {
                    return null;
                }
                if (describe(List.of(a)).equals(describe(List.of(b)))) {
                    // Shared instances must be plain string fields (a numeric field carries its own token stream).
                    if (a.tokenStreamValue() != null || a.readerValue() != null) {
                        return null;
                    }
                    slots.add(new Slot(a, null));
                } else if (wholeHeader.contains(a.name())) {
                    slots.add(new Slot(null, a.name()));
                } else {
                    return null;
                }
            }
            return slots;
        }

        private List<Fieldable> withoutIdentity(Document doc) {
            List<Fieldable> fields = new ArrayList<>();
            for (Fieldable f : doc.getFields()) {
                if (!identity.contains(f.name())) {
                    fields.add(f);
                }
            }
            return fields;
        }

        /**
         * A copy's document: its own part's fields but the whole-header ones, then the shared content's (which James
         * would meet in this order parsing the whole copy). The shared fields are plain string fields, read only
         * while a document is added, so every copy can hold the same instances.
         */
        Document compose(Document ownPart, List<Slot> content) {
            Document doc = new Document();
            Map<String, Fieldable> own = new java.util.HashMap<>();
            for (Fieldable f : ownPart.getFields()) {
                if (!wholeHeader.contains(f.name())) {
                    doc.add(f);
                } else if (own.putIfAbsent(f.name(), f) != null) {
                    throw new IllegalStateException("a copy's own header fields gave two " + f.name() + " fields");
                }
            }
            for (Slot slot : content) {
                Fieldable f = slot.shared() != null ? slot.shared() : own.get(slot.ownOf());
                if (f == null) {
                    throw new IllegalStateException("a copy's own header fields gave no " + slot.ownOf() + " field");
                }
                doc.add(f);
            }
            return doc;
        }

        /** Per field name, each value with how it is indexed, in order: what the index makes of the document. */
        static Map<String, List<String>> describe(Document doc) {
            return describe(doc.getFields());
        }

        static Map<String, List<String>> describe(List<Fieldable> fieldables) {
            Map<String, List<String>> fields = new LinkedHashMap<>();
            for (Fieldable f : fieldables) {
                fields.computeIfAbsent(f.name(), n -> new ArrayList<>()).add(Objects.toString(f.stringValue()) + "|stored=" + f.isStored()
                    + "|indexed=" + f.isIndexed() + "|tokenized=" + f.isTokenized() + "|norms=" + !f.getOmitNorms()
                    + "|stream=" + (f.tokenStreamValue() != null));
            }
            return new java.util.TreeMap<>(fields);
        }
    }
}

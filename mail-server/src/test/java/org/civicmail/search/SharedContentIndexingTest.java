package org.civicmail.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;

import javax.mail.Flags;

import org.apache.james.core.Username;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.ModSeq;
import org.apache.james.mailbox.jpa.JPAId;
import org.apache.james.mailbox.model.ByteContent;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.model.MessageId;
import org.apache.james.mailbox.model.ThreadId;
import org.apache.james.mailbox.model.UidValidity;
import org.apache.james.mailbox.store.SessionProviderImpl;
import org.apache.james.mailbox.store.mail.model.DefaultMessageId;
import org.apache.james.mailbox.store.mail.model.impl.PropertyBuilder;
import org.apache.james.mailbox.store.mail.model.impl.SimpleMailboxMessage;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Fieldable;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.TermEnum;
import org.apache.lucene.index.TermPositions;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.RAMDirectory;
import org.junit.jupiter.api.Test;

/**
 * Copies of a notice indexed from its shared part prepared once write exactly the index that indexing each whole copy
 * writes (James's Lucene index and our text index compared term by term, with positions, norms and stored fields),
 * and the fast path is really taken for a signed notice, whose body parts James also reads a header of.
 */
class SharedContentIndexingTest {
    private static final String SIGNED_NOTICE = "From: =?UTF-8?B?5p2t5bee5biC56iO5Yqh5bGA?= <tax@gov.hangzhou.example>\r\n"
        + "To: undisclosed-recipients:;\r\n"
        + "Subject: =?UTF-8?B?6YCA56iO6YCa55+l?= 2026\r\n"
        + "Date: Mon, 30 Nov 2026 09:30:00 +0800\r\n"
        + "Message-ID: <bc.20261130-ab.notice@mail.hangzhou.example>\r\n"
        + "MIME-Version: 1.0\r\n"
        + "Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; micalg=sha-256; boundary=\"s1\"\r\n"
        + "\r\n"
        + "--s1\r\n"
        + "Content-Type: text/plain; charset=UTF-8; hp=\"clear\"\r\n"
        + "From: =?UTF-8?B?5p2t5bee5biC56iO5Yqh5bGA?= <tax@gov.hangzhou.example>\r\n"
        + "Subject: =?UTF-8?B?6YCA56iO6YCa55+l?= 2026\r\n"
        + "\r\n"
        + "请在6月30日前办理退税。Please file by June 30.\r\n"
        + "--s1\r\n"
        + "Content-Type: application/pkcs7-signature; name=smime.p7s\r\n"
        + "Content-Transfer-Encoding: base64\r\n"
        + "\r\n"
        + "MIAGCSqGSIb3DQEHAqCAMIACAQExDzANBglghkgBZQMEAgEFADCABgkqhkiG9w0BBwEAAA==\r\n"
        + "--s1--\r\n";

    private final MessageId.Factory messageIds = new DefaultMessageId.Factory();

    /** One index setup: James's index with ours, each in memory. */
    private final class Indexes {
        final Directory james = new RAMDirectory();
        final Directory text = new RAMDirectory();
        final TextIndex textIndex;
        final SubstringSearchIndex index;
        final SharedContentIndexing sharing;

        Indexes() throws Exception {
            textIndex = new TextIndex(text);
            SessionProviderImpl sessions = new SessionProviderImpl(null, null);
            index = new SubstringSearchIndex(null, new JPAId.Factory(), james, messageIds, sessions, textIndex, null);
            sharing = new SharedContentIndexing(index, textIndex, sessions, new JPAId.Factory(), messageIds);
        }

        void commit() throws Exception {
            index.commit();
        }
    }

    @Test
    void aSignedNoticesCopiesIndexedFromTheSharedPartMatchTheCopiesIndexedWhole() throws Exception {
        Indexes shared = new Indexes();
        Indexes whole = new Indexes();
        assertThat(shared.sharing.composesJamesDocuments()).as("James's documents are composed, not parsed per copy").isTrue();
        byte[] notice = SIGNED_NOTICE.getBytes(StandardCharsets.UTF_8);
        int noticeHeader = SIGNED_NOTICE.indexOf("\r\n\r\n") + 4;
        SharedContentIndexing.Prepared prepared = shared.sharing.prepare(Arrays.copyOf(notice, noticeHeader),
            Arrays.copyOfRange(notice, noticeHeader, notice.length));
        for (int i = 1; i <= 3; i++) {
            String own = "X-CivicMail-Signature: valid; signer=\"tax@gov.hangzhou.example\"; serial=1F\r\n"
                + "Delivered-To: c" + i + "@citizen.hangzhou.example\r\n";
            copy(i, own, notice, shared, whole, prepared);
        }
        shared.commit();
        whole.commit();

        assertThat(contents(shared.james)).isEqualTo(contents(whole.james)).isNotEmpty();
        assertThat(contents(shared.text)).isEqualTo(contents(whole.text)).isNotEmpty();
        assertThat(shared.textIndex.uidsContaining("5", "退税", TextIndex.BODY)).containsExactly(1L, 2L, 3L);
        assertThat(shared.textIndex.uidsContaining("5", "c2@citizen", TextIndex.HEADER_PREFIX + "delivered-to")).containsExactly(2L);
    }

    @Test
    void copiesTheSharedPartCannotServeAreIndexedWholeAndStillMatch() throws Exception {
        Indexes shared = new Indexes();
        Indexes whole = new Indexes();
        // No Date header: James sorts by each copy's internal date, so its document is not shared content.
        String undated = SIGNED_NOTICE.replace("Date: Mon, 30 Nov 2026 09:30:00 +0800\r\n", "");
        byte[] notice = undated.getBytes(StandardCharsets.UTF_8);
        int noticeHeader = undated.indexOf("\r\n\r\n") + 4;
        SharedContentIndexing.Prepared prepared = shared.sharing.prepare(Arrays.copyOf(notice, noticeHeader),
            Arrays.copyOfRange(notice, noticeHeader, notice.length));
        copy(1, "Delivered-To: c1@citizen.hangzhou.example\r\n", notice, shared, whole, prepared);
        // An older notice's copy with its own To in front: first-To sorting needs the whole header.
        copy(2, "To: c2@citizen.hangzhou.example\r\nDelivered-To: c2@citizen.hangzhou.example\r\n", notice, shared, whole, prepared);
        shared.commit();
        whole.commit();

        assertThat(contents(shared.james)).isEqualTo(contents(whole.james)).isNotEmpty();
        assertThat(contents(shared.text)).isEqualTo(contents(whole.text)).isNotEmpty();
    }

    /** Copy {@code uid} in folder 5: through the shared part into {@code shared}, whole into {@code whole}. */
    private void copy(int uid, String own, byte[] notice, Indexes shared, Indexes whole, SharedContentIndexing.Prepared prepared)
            throws Exception {
        byte[] ownBytes = own.getBytes(StandardCharsets.US_ASCII);
        byte[] content = new byte[ownBytes.length + notice.length];
        System.arraycopy(ownBytes, 0, content, 0, ownBytes.length);
        System.arraycopy(notice, 0, content, ownBytes.length, notice.length);
        MessageId id = messageIds.generate();
        SimpleMailboxMessage message = SimpleMailboxMessage.builder().messageId(id).threadId(ThreadId.fromBaseMessageId(id))
            .uid(MessageUid.of(uid)).modseq(ModSeq.of(10 + uid)).internalDate(new Date(1_796_000_000_000L + uid * 1_000L))
            .size(content.length).bodyStartOctet(ownBytes.length + new String(notice, StandardCharsets.UTF_8).indexOf("\r\n\r\n") + 4)
            .content(new ByteContent(content)).flags(new Flags(Flags.Flag.RECENT)).properties(new PropertyBuilder())
            .mailboxId(JPAId.of(5)).build();
        Username owner = Username.of("c" + uid + "@citizen.hangzhou.example");
        MailboxSession session = new SessionProviderImpl(null, null).createSystemSession(owner);
        Mailbox mailbox = new Mailbox(MailboxPath.forUser(owner, "通知"), UidValidity.of(42), JPAId.of(5));
        shared.sharing.add(session, mailbox, message, ownBytes, prepared).block();
        whole.index.add(session, mailbox, message).block();
    }

    /** Everything an index holds: each term with its documents and positions, the norms, each document's stored fields. */
    private static List<String> contents(Directory directory) throws Exception {
        List<String> out = new ArrayList<>();
        java.util.Set<String> fields = new java.util.TreeSet<>();
        try (IndexReader reader = IndexReader.open(directory)) {
            TermEnum terms = reader.terms();
            while (terms.next()) {
                Term t = terms.term();
                fields.add(t.field());
                StringBuilder line = new StringBuilder(t.field()).append(':').append(t.text()).append(" df=").append(terms.docFreq());
                try (TermPositions p = reader.termPositions(t)) {
                    while (p.next()) {
                        line.append(" d").append(p.doc()).append('@');
                        for (int i = 0; i < p.freq(); i++) {
                            line.append(p.nextPosition()).append(',');
                        }
                    }
                }
                out.add(line.toString());
            }
            for (String field : fields) {
                byte[] norms = reader.norms(field);
                out.add("norms " + field + " " + (norms == null ? "none" : Arrays.toString(Arrays.copyOf(norms, reader.maxDoc()))));
            }
            for (int d = 0; d < reader.maxDoc(); d++) {
                if (!reader.isDeleted(d)) {
                    Document doc = reader.document(d);
                    StringBuilder stored = new StringBuilder("doc ").append(d);
                    for (Fieldable f : doc.getFields()) {
                        stored.append(' ').append(f.name()).append('=').append(f.stringValue());
                    }
                    out.add(stored.toString());
                }
            }
        }
        return out;
    }
}

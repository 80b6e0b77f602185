package org.civicmail.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
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
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.Term;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.RAMDirectory;
import org.junit.jupiter.api.Test;

/**
 * Copies of a notice indexed through their shared part (analysed once, one document every copy refers to) answer
 * every kind of text search exactly as the copies indexed whole do, and the shared text really is analysed once, not
 * once per copy.
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

    /** One index setup, in memory. */
    private final class Indexes {
        final Directory text = new RAMDirectory();
        final TextIndex textIndex;
        final SubstringSearchIndex index;
        final SharedContentIndexing sharing;

        Indexes() throws Exception {
            textIndex = new TextIndex(text);
            SessionProviderImpl sessions = new SessionProviderImpl(null, null);
            index = new SubstringSearchIndex(null, sessions, textIndex, null, new RecentAppends(), null);
            sharing = new SharedContentIndexing(index, textIndex);
        }
    }

    /** Searches of every kind of text key, each with what it must find among the four copies in folder 5. */
    private static final List<Object[]> SEARCHES = List.of(
        new Object[] {"退税", new String[] {TextIndex.BODY}, List.of(1L, 2L, 3L, 4L)},
        new Object[] {"please file", new String[] {TextIndex.BODY}, List.of(1L, 2L, 3L, 4L)},
        new Object[] {"c2@citizen", new String[] {TextIndex.HEADER_PREFIX + "delivered-to"}, List.of(2L)},
        new Object[] {"c2@citizen", new String[] {TextIndex.HEADERS, TextIndex.BODY}, List.of(2L)},
        new Object[] {"serial=1f", new String[] {TextIndex.HEADERS}, List.of(1L, 2L, 3L)},
        new Object[] {"退税通知", new String[] {TextIndex.HEADER_PREFIX + "subject"}, List.of(1L, 2L, 3L, 4L)},
        new Object[] {"subject: 退税", new String[] {TextIndex.HEADERS}, List.of(1L, 2L, 3L, 4L)},
        new Object[] {"税务局", new String[] {TextIndex.ADDRESS_PREFIX + "from"}, List.of(1L, 2L, 3L, 4L)},
        new Object[] {"tax@gov", new String[] {TextIndex.ADDRESS_PREFIX + "from"}, List.of(1L, 2L, 3L, 4L)},
        new Object[] {"undisclosed", new String[] {TextIndex.ADDRESS_PREFIX + "to"}, List.of(1L, 2L, 3L, 4L)},
        // The last own field and the first shared one are two values: no match across them.
        new Object[] {"example from:", new String[] {TextIndex.HEADERS}, List.of()},
        new Object[] {"c1@citizen", new String[] {TextIndex.BODY}, List.of()},
        new Object[] {"", new String[] {TextIndex.BODY}, List.of(1L, 2L, 3L, 4L)});

    @Test
    void aSignedNoticesCopiesIndexedFromTheSharedPartAnswerAsTheCopiesIndexedWhole() throws Exception {
        Indexes shared = new Indexes();
        Indexes whole = new Indexes();
        byte[] notice = SIGNED_NOTICE.getBytes(StandardCharsets.UTF_8);
        int noticeHeader = SIGNED_NOTICE.indexOf("\r\n\r\n") + 4;
        SharedContentIndexing.Prepared prepared = shared.sharing.prepare(Arrays.copyOf(notice, noticeHeader),
            Arrays.copyOfRange(notice, noticeHeader, notice.length));
        for (int i = 1; i <= 3; i++) {
            String own = "X-CivicMail-Signature: valid; signer=\"tax@gov.hangzhou.example\"; serial=1F\r\n"
                + "Delivered-To: c" + i + "@citizen.hangzhou.example\r\n";
            copy(i, own, notice, shared, whole, prepared);
        }
        // A second batch of the same notice refers to the same shared document.
        SharedContentIndexing.Prepared again = shared.sharing.prepare(Arrays.copyOf(notice, noticeHeader),
            Arrays.copyOfRange(notice, noticeHeader, notice.length));
        copy(4, "Delivered-To: c4@citizen.hangzhou.example\r\n", notice, shared, whole, again);
        shared.textIndex.commit();
        whole.textIndex.commit();

        for (Object[] search : SEARCHES) {
            String query = SearchText.normalize((String) search[0]);
            String[] fields = (String[]) search[1];
            @SuppressWarnings("unchecked")
            List<Long> expected = (List<Long>) search[2];
            assertThat(shared.textIndex.uidsContaining("5", query, fields)).as(search[0] + " in " + Arrays.toString(fields))
                .isEqualTo(whole.textIndex.uidsContaining("5", query, fields)).containsExactlyElementsOf(expected);
        }
        LocalDate day = LocalDate.of(2026, 11, 30);
        assertThat(shared.textIndex.uidsSentBetween("5", day, day)).containsExactly(1L, 2L, 3L, 4L);
        assertThat(shared.textIndex.uidsSentBetween("5", day.plusDays(1), null)).isEqualTo(whole.textIndex.uidsSentBetween("5", day.plusDays(1), null)).isEmpty();
        assertThat(shared.textIndex.uidsContaining("6", "退税", TextIndex.BODY)).as("another folder holds no copy").isEmpty();

        // The notice's text was analysed once: one document holds each of its body's bigrams, not one per copy.
        try (IndexReader reader = IndexReader.open(shared.text)) {
            assertThat(reader.docFreq(new Term(TextIndex.BODY, "退税"))).isEqualTo(1);
        }
        try (IndexReader reader = IndexReader.open(whole.text)) {
            assertThat(reader.docFreq(new Term(TextIndex.BODY, "退税"))).isEqualTo(4);
        }
    }

    @Test
    void copiesWithTheirOwnAddressOrDateFieldsAreIndexedWholeAndStillMatch() throws Exception {
        Indexes shared = new Indexes();
        Indexes whole = new Indexes();
        byte[] notice = SIGNED_NOTICE.getBytes(StandardCharsets.UTF_8);
        int noticeHeader = SIGNED_NOTICE.indexOf("\r\n\r\n") + 4;
        SharedContentIndexing.Prepared prepared = shared.sharing.prepare(Arrays.copyOf(notice, noticeHeader),
            Arrays.copyOfRange(notice, noticeHeader, notice.length));
        // An older notice's copy with its own To in front: its address fields are its whole header's.
        copy(2, "To: c2@citizen.hangzhou.example\r\nDelivered-To: c2@citizen.hangzhou.example\r\n", notice, shared, whole, prepared);
        shared.textIndex.commit();
        whole.textIndex.commit();

        for (String[] search : new String[][] {{"c2@citizen", TextIndex.ADDRESS_PREFIX + "to"}, {"退税", TextIndex.BODY},
                {"undisclosed", TextIndex.ADDRESS_PREFIX + "to"}}) {
            assertThat(shared.textIndex.uidsContaining("5", search[0], search[1])).as(search[0])
                .isEqualTo(whole.textIndex.uidsContaining("5", search[0], search[1])).containsExactly(2L);
        }
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
}

package org.civicmail.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;

import org.apache.lucene.store.RAMDirectory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The text index answers RFC 3501 substring questions exactly, for Chinese and English, over decoded headers. */
class TextIndexTest {
    private static final String FOLDER = "7";
    private final TextIndex index = newIndex();

    private static TextIndex newIndex() {
        try {
            return new TextIndex(new RAMDirectory());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterEach
    void close() throws Exception {
        index.close();
    }

    private void put(long uid, String message) throws Exception {
        put(uid, message.getBytes(StandardCharsets.UTF_8));
    }

    private void put(long uid, byte[] message) throws Exception {
        index.put(FOLDER, uid, MessageTextReader.read(new ByteArrayInputStream(message)));
    }

    @Test
    void chineseWordsAreFoundInEncodedSubjectsBodiesAndDisplayNames() throws Exception {
        put(1, "From: =?UTF-8?B?5p2t5bee5biC56iO5Yqh5bGA?= <tax-bureau@gov.hangzhou.example>\r\n"
            + "Subject: =?UTF-8?B?5Liq5Lq65omA5b6X56iO5rGH566X5riF57y06YCa55+l?=\r\n"
            + "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            + java.util.Base64.getMimeEncoder().encodeToString("请在6月30日前办理退税。".getBytes(StandardCharsets.UTF_8)) + "\r\n");
        put(2, "From: Welcome Team <hello@example.org>\r\nSubject: Welcome to CivicMail\r\n\r\nHello there.\r\n");

        assertThat(index.uidsContaining(FOLDER, "税务局", TextIndex.ADDRESS_PREFIX + "from")).containsExactly(1L);
        assertThat(index.uidsContaining(FOLDER, "汇算清缴", TextIndex.HEADER_PREFIX + "subject")).containsExactly(1L);
        assertThat(index.uidsContaining(FOLDER, "退税", TextIndex.BODY)).containsExactly(1L);
        assertThat(index.uidsContaining(FOLDER, "退税", TextIndex.HEADER_PREFIX + "subject")).isEmpty();
        assertThat(index.uidsContaining(FOLDER, "welcome", TextIndex.HEADERS, TextIndex.BODY)).containsExactly(2L);
    }

    @Test
    void substringsOfWordsMatchCaseInsensitively() throws Exception {
        put(1, "Subject: test\r\n\r\nsome asdfghjkl text\r\n");
        put(2, "Subject: test\r\n\r\nsdfg hjk\r\n");

        assertThat(index.uidsContaining(FOLDER, SearchText.normalize("SDFGHJK"), TextIndex.BODY)).containsExactly(1L);
        assertThat(index.uidsContaining(FOLDER, "j", TextIndex.BODY)).containsExactly(1L, 2L);
        assertThat(index.uidsContaining(FOLDER, "l", TextIndex.BODY)).containsExactly(1L); // last character of a word
        assertThat(index.uidsContaining(FOLDER, "sdfgh", TextIndex.BODY)).containsExactly(1L);
        assertThat(index.uidsContaining(FOLDER, "", TextIndex.BODY)).containsExactly(1L, 2L);
    }

    @Test
    void aSearchStringNeverMatchesAcrossTwoHeaderValues() throws Exception {
        put(1, "Received: from alpha\r\nReceived: by beta\r\n\r\nx\r\n");

        assertThat(index.uidsContaining(FOLDER, "alpha", TextIndex.HEADER_PREFIX + "received")).containsExactly(1L);
        assertThat(index.uidsContaining(FOLDER, "alphaby", TextIndex.HEADER_PREFIX + "received")).isEmpty();
        assertThat(index.uidsContaining(FOLDER, "alpha by", TextIndex.HEADER_PREFIX + "received")).isEmpty();
    }

    @Test
    void rawUtf8AndGb18030HeadersAreDecoded() throws Exception {
        byte[] utf8 = "From: 杭州市税务局 <service@hz-tax-refund.example.net>\r\nSubject: 退税通知\r\n\r\nx\r\n".getBytes(StandardCharsets.UTF_8);
        byte[] gb = "From: 杭州市税务局 <gb@hz-tax-refund.example.net>\r\nSubject: 汇算清缴提醒\r\n\r\nx\r\n".getBytes(Charset.forName("GB18030"));
        put(1, utf8);
        put(2, gb);

        assertThat(index.uidsContaining(FOLDER, "税务局", TextIndex.ADDRESS_PREFIX + "from")).containsExactly(1L, 2L);
        assertThat(index.uidsContaining(FOLDER, "退税", TextIndex.HEADER_PREFIX + "subject")).containsExactly(1L);
        assertThat(index.uidsContaining(FOLDER, "汇算清缴", TextIndex.HEADER_PREFIX + "subject")).containsExactly(2L);
    }

    @Test
    void addressesAreFoundByDisplayNameAddressAndGroupMembers() throws Exception {
        put(1, "From: \"Li, Na\" <li.na@citizen.hangzhou.example>\r\nTo: tax team: a@gov.example, \"Wang Wu\" <wang@gov.example>;\r\n\r\nx\r\n");

        assertThat(index.uidsContaining(FOLDER, "li, na", TextIndex.ADDRESS_PREFIX + "from")).containsExactly(1L);
        assertThat(index.uidsContaining(FOLDER, "na@citizen", TextIndex.ADDRESS_PREFIX + "from")).containsExactly(1L);
        assertThat(index.uidsContaining(FOLDER, "wang wu <wang@gov", TextIndex.ADDRESS_PREFIX + "to")).containsExactly(1L);
        assertThat(index.uidsContaining(FOLDER, "tax team", TextIndex.ADDRESS_PREFIX + "to")).containsExactly(1L);
        assertThat(index.uidsContaining(FOLDER, "li.na", TextIndex.ADDRESS_PREFIX + "to")).isEmpty();
    }

    @Test
    void theSentDayIsTheDayWrittenInTheDateHeaderWhateverItsTimeZone() throws Exception {
        put(1, "Date: Tue, 1 Dec 2026 00:30:00 +0800\r\n\r\nx\r\n");   // 30 Nov in UTC
        put(2, "Date: Mon, 30 Nov 2026 23:30:00 -0500 (EST)\r\n\r\nx\r\n"); // 1 Dec in UTC

        assertThat(index.uidsSentBetween(FOLDER, LocalDate.of(2026, 12, 1), LocalDate.of(2026, 12, 1))).containsExactly(1L);
        assertThat(index.uidsSentBetween(FOLDER, LocalDate.of(2026, 11, 30), LocalDate.of(2026, 11, 30))).containsExactly(2L);
        assertThat(index.uidsSentBetween(FOLDER, null, LocalDate.of(2026, 11, 30))).containsExactly(2L);
    }

    @Test
    void deletedMessagesAreNoLongerFoundAndReAddingReplaces() throws Exception {
        put(1, "Subject: alpha\r\n\r\nx\r\n");
        put(2, "Subject: alpha\r\n\r\nx\r\n");
        put(2, "Subject: beta\r\n\r\nx\r\n");
        assertThat(index.uidsContaining(FOLDER, "alpha", TextIndex.HEADER_PREFIX + "subject")).containsExactly(1L);
        index.delete(FOLDER, 1);
        assertThat(index.uidsContaining(FOLDER, "alpha", TextIndex.HEADER_PREFIX + "subject")).isEmpty();
        index.deleteMailbox(FOLDER);
        assertThat(index.uidsContaining(FOLDER, "beta", TextIndex.HEADER_PREFIX + "subject")).isEmpty();
    }

    @Test
    void theCommittedVersionSaysWhetherTheIndexIsComplete() throws Exception {
        RAMDirectory dir = new RAMDirectory();
        try (TextIndex fresh = new TextIndex(dir)) {
            assertThat(fresh.committedVersion()).isNotEqualTo(TextIndex.VERSION);
            fresh.commit();
            assertThat(fresh.committedVersion()).isEqualTo("incomplete");
            fresh.markComplete();
            fresh.commit();
            assertThat(fresh.committedVersion()).isEqualTo(TextIndex.VERSION);
        }
    }

    @Test
    void aRunThatEndsWithoutClosingTheIndexIsSeenAtTheNextOpen() throws Exception {
        RAMDirectory dir = new RAMDirectory();
        TextIndex first = new TextIndex(dir);
        first.markComplete();
        first.commit(); // what a start does: the commit data now says "open"
        first.close();
        TextIndex second = new TextIndex(dir);
        assertThat(second.lastRunEndedUncleanly()).as("closed cleanly").isFalse();
        second.markComplete();
        second.commit();
        put(second, 1, "Subject: after the last commit\r\n\r\nx\r\n");
        // kill -9: no close. The directory keeps what was committed, and says the run had it open.
        assertThat(org.apache.lucene.index.IndexReader.getCommitUserData(dir)).containsEntry(TextIndex.OPEN_KEY, "true")
            .containsEntry(TextIndex.VERSION_KEY, TextIndex.VERSION);
        org.apache.lucene.index.IndexWriter.unlock(dir); // the dead process's write lock
        try (TextIndex third = new TextIndex(dir)) {
            assertThat(third.lastRunEndedUncleanly()).isTrue();
            assertThat(third.uidsIn(FOLDER)).as("the message added after the last commit is lost").isEmpty();
        }
    }

    @Test
    void aFolderListsTheUidsItHolds() throws Exception {
        put(3, "Subject: a\r\n\r\nx\r\n");
        put(5, "Subject: b\r\n\r\nx\r\n");
        index.put("8", 4, MessageTextReader.read(new ByteArrayInputStream("Subject: c\r\n\r\nx\r\n".getBytes(StandardCharsets.UTF_8))));
        assertThat(index.uidsIn(FOLDER)).containsExactly(3L, 5L);
    }

    private static void put(TextIndex target, long uid, String message) throws Exception {
        target.put(FOLDER, uid, MessageTextReader.read(new ByteArrayInputStream(message.getBytes(StandardCharsets.UTF_8))));
    }
}

package org.civicmail.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.List;

import javax.mail.Flags;

import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.ModSeq;
import org.apache.james.mailbox.jpa.JPAId;
import org.apache.james.mailbox.model.ByteContent;
import org.apache.james.mailbox.model.MessageId;
import org.apache.james.mailbox.model.ThreadId;
import org.apache.james.mailbox.store.mail.model.DefaultMessageId;
import org.apache.james.mailbox.store.mail.model.impl.PropertyBuilder;
import org.apache.james.mailbox.store.mail.model.impl.SimpleMailboxMessage;
import org.junit.jupiter.api.Test;

/** Messages kept from append to indexing: taken once, all of an event or none, bounded in size. */
class RecentAppendsTest {
    private final RecentAppends appends = new RecentAppends();

    @Test
    void anAppendedMessageIsTakenOnceWithItsContent() {
        appends.remember(JPAId.of(1), message(7, "Subject: hi\r\n\r\nbody\r\n"));
        List<RecentAppends.Appended> taken = appends.take(JPAId.of(1), List.of(MessageUid.of(7)));
        assertThat(taken).singleElement().satisfies(a -> {
            assertThat(a.uid()).isEqualTo(7);
            assertThat(new String(a.content(), StandardCharsets.US_ASCII)).isEqualTo("Subject: hi\r\n\r\nbody\r\n");
        });
        assertThat(appends.take(JPAId.of(1), List.of(MessageUid.of(7)))).as("taken already: read it from the store").isNull();
    }

    @Test
    void anEventWithAnyMessageNotKeptGetsNoneAndForgetsTheRest() {
        appends.remember(JPAId.of(1), message(1, "a\r\n"));
        assertThat(appends.take(JPAId.of(1), List.of(MessageUid.of(1), MessageUid.of(2)))).isNull();
        assertThat(appends.size()).isZero();
        appends.remember(JPAId.of(2), message(1, "a\r\n"));
        assertThat(appends.take(JPAId.of(1), List.of(MessageUid.of(1)))).as("another folder's UID 1").isNull();
    }

    @Test
    void largeMessagesAreNotKeptAndTheOldestMakeRoom() {
        appends.remember(JPAId.of(1), message(1, "x".repeat(RecentAppends.MAX_MESSAGE_BYTES + 1)));
        assertThat(appends.size()).isZero();
        int each = RecentAppends.MAX_MESSAGE_BYTES;
        int fit = RecentAppends.MAX_BYTES / each;
        for (int uid = 1; uid <= fit + 3; uid++) {
            appends.remember(JPAId.of(1), message(uid, "y".repeat(each)));
        }
        // An append whose transaction rolled back is never taken: the bound keeps such leftovers from piling up.
        assertThat(appends.size()).isEqualTo(fit);
        assertThat(appends.take(JPAId.of(1), List.of(MessageUid.of(1)))).isNull();
        assertThat(appends.take(JPAId.of(1), List.of(MessageUid.of(fit + 3)))).isNotNull();
    }

    private static SimpleMailboxMessage message(long uid, String content) {
        byte[] bytes = content.getBytes(StandardCharsets.US_ASCII);
        MessageId id = new DefaultMessageId.Factory().generate();
        return SimpleMailboxMessage.builder().messageId(id).threadId(ThreadId.fromBaseMessageId(id)).uid(MessageUid.of(uid))
            .modseq(ModSeq.of(uid)).internalDate(new Date()).size(bytes.length).bodyStartOctet(0).content(new ByteContent(bytes))
            .flags(new Flags()).properties(new PropertyBuilder()).mailboxId(JPAId.of(1)).build();
    }
}

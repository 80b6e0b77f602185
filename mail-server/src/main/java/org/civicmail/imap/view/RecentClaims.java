package org.civicmail.imap.view;

import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.model.MailboxId;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;

/**
 * Which session a message is {@code \Recent} in. RFC 3501 section 2.3.2: a message is recent in one session only,
 * the first to be notified of it. James 3.8.1 marks a new message recent in every session that has its folder
 * selected, and a later SELECT takes it again from the database's flag (imaptest: "\Recent flag in multiple
 * sessions"). The first claim of a message wins; claims of the last {@value #REMEMBERED} messages are kept (a later
 * SELECT that reads the flag of an older one may still take it, as James did for all).
 */
final class RecentClaims {
    static final int REMEMBERED = 20_000;

    private record Message(MailboxId mailbox, MessageUid uid) {
    }

    private final Cache<Message, Object> claims = CacheBuilder.newBuilder().maximumSize(REMEMBERED).build();

    /** True when {@code claimant} (one object per IMAP session) is the session the message is recent in. */
    boolean claim(MailboxId mailbox, MessageUid uid, Object claimant) {
        Object owner = claims.asMap().putIfAbsent(new Message(mailbox, uid), claimant);
        return owner == null || owner == claimant;
    }

    /** As {@link #claim} without taking the message: EXAMINE shows \Recent but leaves it to a later SELECT (RFC 3501 6.3.2). */
    boolean unclaimedOrOwn(MailboxId mailbox, MessageUid uid, Object claimant) {
        Object owner = claims.getIfPresent(new Message(mailbox, uid));
        return owner == null || owner == claimant;
    }
}

package org.civicmail.james;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Set;
import javax.inject.Inject;

import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.jpa.JPAId;
import org.apache.james.mailbox.model.MailboxId;

/**
 * A folder's UID and modseq counters, moved on atomically: one {@code UPDATE ... SET C = C + n} and a read of the
 * result in the same short transaction of their own. James 3.8.1's JPA providers read the value without a lock and
 * write back an absolute one, so a writer that committed in between (the broadcast writer, another IMAP session) was
 * overwritten and the folder's last UID went back. With the relative update the row lock serialises every writer.
 * <p>
 * The counters live in {@value #TABLE} (one row per folder, made and removed with the folder by triggers; schema
 * {@code james-indexes} migration 4), not in the folder's JAMES_MAILBOX row where James keeps them: every IMAP read of
 * messages share-locks that row (OpenJPA joins it), and a counter update waiting there behind a reader that waited
 * for a writer's message rows, with the writer then waiting behind the counter for the folder row, was a lock cycle.
 * Here nothing but the counters (and the broadcast writer's compare-and-set of them) locks a row, and a counter
 * transaction holds no other lock while it waits.
 */
final class MailboxCounters {
    static final String TABLE = "CM_MAILBOX_COUNTER";
    /** Deadlock (40001) or lock timeout (40XL1): the transaction was rolled back and can simply run again. */
    private static final Set<String> RETRYABLE = Set.of("40001", "40XL1");
    private static final int ATTEMPTS = 5;

    enum Counter {
        LAST_UID("LAST_UID"), HIGHEST_MODSEQ("HIGHEST_MODSEQ");

        private final String column;

        Counter(String column) {
            this.column = column;
        }
    }

    private final JamesDatabase james;

    @Inject
    MailboxCounters(JamesDatabase james) {
        this.james = james;
    }

    /** The folder's next UID or modseq: the counter moved on by one (James's providers take one value at a time). */
    long next(MailboxId mailboxId, Counter counter) throws MailboxException {
        return advance(((JPAId) mailboxId).getRawId(), counter, 1);
    }

    /** The folder's last UID or highest modseq (0 for a folder that has had no message yet). */
    long current(MailboxId mailboxId, Counter counter) throws MailboxException {
        return current(((JPAId) mailboxId).getRawId(), counter);
    }

    /** Adds {@code n} to the counter and returns its new value (the last of the {@code n} values taken). */
    long advance(long mailboxId, Counter counter, int n) throws MailboxException {
        SQLException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                return tryAdvance(mailboxId, counter, n);
            } catch (SQLException e) {
                last = e;
                if (!RETRYABLE.contains(e.getSQLState())) {
                    break;
                }
            }
        }
        throw new MailboxException("cannot move on " + counter.column + " of mailbox " + mailboxId + ": " + last.getMessage(), last);
    }

    /** The counter's value now (0 for a folder that has had no message yet). */
    long current(long mailboxId, Counter counter) throws MailboxException {
        try (Connection c = james.connection();
             PreparedStatement read = c.prepareStatement("SELECT " + counter.column + " FROM " + TABLE + " WHERE MAILBOX_ID = ?")) {
            read.setLong(1, mailboxId);
            try (ResultSet rs = read.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        } catch (SQLException e) {
            throw new MailboxException("cannot read " + counter.column + " of mailbox " + mailboxId + ": " + e.getMessage(), e);
        }
    }

    private long tryAdvance(long mailboxId, Counter counter, int n) throws SQLException {
        try (Connection c = james.connection()) {
            c.setAutoCommit(false);
            try (PreparedStatement update = c.prepareStatement("UPDATE " + TABLE + " SET " + counter.column + " = "
                     + counter.column + " + ? WHERE MAILBOX_ID = ?");
                 PreparedStatement read = c.prepareStatement("SELECT " + counter.column + " FROM " + TABLE + " WHERE MAILBOX_ID = ?")) {
                update.setLong(1, n);
                update.setLong(2, mailboxId);
                if (update.executeUpdate() != 1) {
                    throw new SQLException("mailbox " + mailboxId + " does not exist (deleted meanwhile?)", "02000");
                }
                read.setLong(1, mailboxId);
                long value;
                try (ResultSet rs = read.executeQuery()) {
                    rs.next();
                    value = rs.getLong(1);
                }
                c.commit();
                return value;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }
}

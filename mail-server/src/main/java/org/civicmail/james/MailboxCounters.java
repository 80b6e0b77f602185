package org.civicmail.james;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Set;

import org.apache.james.mailbox.exception.MailboxException;

/**
 * A folder's UID and modseq counters (JAMES_MAILBOX.MAILBOX_LAST_UID / MAILBOX_HIGHEST_MODSEQ) moved on atomically:
 * one {@code UPDATE ... SET C = C + n} and a read of the result in the same transaction. James 3.8.1's JPA providers
 * read the row without a lock and write back an absolute value, so a writer that commits in between (the broadcast
 * writer, another IMAP session) was overwritten and the folder's last UID went back. With the relative update the
 * row lock serialises every writer: the second waits for the first to commit and then adds to its value.
 */
final class MailboxCounters {
    /** Deadlock (40001) or lock timeout (40XL1): the transaction was rolled back and can simply run again. */
    private static final Set<String> RETRYABLE = Set.of("40001", "40XL1");
    private static final int ATTEMPTS = 5;

    enum Counter {
        LAST_UID("MAILBOX_LAST_UID"), HIGHEST_MODSEQ("MAILBOX_HIGHEST_MODSEQ");

        private final String column;

        Counter(String column) {
            this.column = column;
        }
    }

    private final JamesDatabase james;

    MailboxCounters(JamesDatabase james) {
        this.james = james;
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

    private long tryAdvance(long mailboxId, Counter counter, int n) throws SQLException {
        try (Connection c = james.connection()) {
            c.setAutoCommit(false);
            try (PreparedStatement update = c.prepareStatement("UPDATE JAMES_MAILBOX SET " + counter.column + " = COALESCE("
                     + counter.column + ", 0) + ? WHERE MAILBOX_ID = ?");
                 PreparedStatement read = c.prepareStatement("SELECT " + counter.column + " FROM JAMES_MAILBOX WHERE MAILBOX_ID = ?")) {
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

package org.civicmail.mailflow.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.BatchUpdateException;
import java.sql.SQLException;

import org.junit.jupiter.api.Test;

/** Which failed groups are the expected race of two first creations of one INBOX (logged without alarm). */
class InboxWriterTest {
    private static final String FOLDER_KEY = "The statement was aborted because it would have caused a duplicate key value in a "
        + "unique or primary key constraint or unique index identified by 'CM_MAILBOX_PATH' defined on 'JAMES_MAILBOX'.";

    @Test
    void aDuplicateFolderPathAsDerbyReportsItInABatchIsTheCreationRace() {
        // Derby's batch: the BatchUpdateException carries the state and message; the statement's error is chained.
        BatchUpdateException batch = new BatchUpdateException(FOLDER_KEY, "23505", 20000, new int[0], null);
        batch.setNextException(new SQLException(FOLDER_KEY, "23505"));
        assertThat(InboxWriter.isFolderCreatedMeanwhile(batch)).isTrue();
        SQLException wrapped = new SQLException("group failed", "XJ001", new SQLException(FOLDER_KEY, "23505"));
        assertThat(InboxWriter.isFolderCreatedMeanwhile(wrapped)).isTrue();
    }

    @Test
    void otherFailuresStayWarnings() {
        // A duplicate message key is a fault of ours, not the race: it must keep its warning.
        String otherKey = FOLDER_KEY.replace("CM_MAILBOX_PATH", "SQL0000000000-PK").replace("JAMES_MAILBOX", "JAMES_MAIL");
        assertThat(InboxWriter.isFolderCreatedMeanwhile(new SQLException(otherKey, "23505"))).isFalse();
        assertThat(InboxWriter.isFolderCreatedMeanwhile(new SQLException("A lock could not be obtained within the time requested", "40XL1")))
            .isFalse();
        assertThat(InboxWriter.isFolderCreatedMeanwhile(new SQLException(FOLDER_KEY, "40001"))).isFalse();
    }
}

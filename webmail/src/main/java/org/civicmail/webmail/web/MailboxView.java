package org.civicmail.webmail.web;

import java.util.List;
import org.civicmail.webmail.imap.FolderView;
import org.civicmail.webmail.imap.MessagePage;

/**
 * Model of the mailbox page: folders, one page of messages with their trust rows, a notice after an action.
 * {@code allFolders}: the rows are hits of a search in every folder (no bulk actions, the folder on each row).
 */
public record MailboxView(List<FolderView> folders, String folderDisplay, MessagePage page, List<ListRow> rows,
                          String notice, boolean allFolders) {

    public boolean isTrash() {
        return page.folder().equalsIgnoreCase(org.civicmail.webmail.imap.MailboxAccess.TRASH);
    }
}

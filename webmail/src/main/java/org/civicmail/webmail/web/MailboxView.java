package org.civicmail.webmail.web;

import java.util.List;
import org.civicmail.webmail.imap.FolderView;
import org.civicmail.webmail.imap.MessagePage;

/** Model of the mailbox page: folders on the side, one page of messages. */
public record MailboxView(List<FolderView> folders, String folderDisplay, MessagePage page, String notice) {}

package org.civicmail.webmail.imap;

/** One folder in the folder list: IMAP name (decoded), display name, unread count; total is -1 when not fetched. */
public record FolderView(String name, String displayName, int unread, int total) {}

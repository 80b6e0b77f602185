package org.civicmail.webmail.imap;

/** One folder in the folder list: IMAP name (decoded), display name, unread and total counts. */
public record FolderView(String name, String displayName, int unread, int total) {}

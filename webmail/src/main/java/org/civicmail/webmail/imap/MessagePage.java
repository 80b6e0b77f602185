package org.civicmail.webmail.imap;

import java.util.List;

/** One page of a folder or search result. Pages count from 1. */
public record MessagePage(String folder, List<MessageSummary> messages, int page, int pages, int total,
                          boolean newestFirst, String query) {}

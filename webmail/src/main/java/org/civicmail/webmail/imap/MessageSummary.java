package org.civicmail.webmail.imap;

import java.time.Instant;

/** One row of the message list. */
public record MessageSummary(long uid, String from, String subject, Instant date, boolean seen) {}

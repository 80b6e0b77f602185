package org.civicmail.webmail.web;

import org.civicmail.webmail.imap.MessageSummary;
import org.civicmail.webmail.trust.TrustLine;

/**
 * One list row as shown: the message, the server's trust verdict, and for verified mail the agency name
 * (the signer address when the name is not known yet).
 *
 * @param folder         the folder the message is in (differs per row in an all-folders search)
 * @param replyToDiffers the message has a Reply-To that is not its From address
 */
public record ListRow(String folder, MessageSummary m, TrustLine trust, String agency, boolean replyToDiffers) {}

package org.civicmail.webmail.imap;

import java.time.Instant;

/**
 * One row of the message list, read from the header fields as stored (8-bit headers decoded, see HeaderText).
 *
 * @param fromName    display name of the first From address, or {@code null}
 * @param fromAddress address of the first From address, or the raw field when it is not an address
 * @param replyTo     first Reply-To address, or {@code null}
 * @param signature   the server's {@code X-CivicMail-Signature} value, or {@code null}
 * @param warnings    the server's {@code X-CivicMail-Warning} values joined by commas, or {@code null}
 * @param size        RFC822.SIZE in bytes
 */
public record MessageSummary(long uid, String fromName, String fromAddress, String replyTo, String subject,
                             Instant date, boolean seen, boolean flagged, String signature, String warnings,
                             long size) {

    /** What the list shows as the sender: the display name, else the address. */
    public String from() {
        return fromName != null && !fromName.isBlank() ? fromName : fromAddress;
    }
}

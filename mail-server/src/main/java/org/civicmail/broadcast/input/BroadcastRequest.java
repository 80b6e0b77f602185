package org.civicmail.broadcast.input;

import java.nio.file.Path;
import java.util.Optional;

import org.civicmail.broadcast.BroadcastKind;
import org.civicmail.broadcast.BroadcastRefusedException;
import org.civicmail.broadcast.BroadcastRefusedException.Reason;

/**
 * What an agency asked for, as given (CLI or REST). The shape is checked here; {@link BroadcastPlanner} checks the
 * content (accounts, rows, placeholders, attachments) against the system.
 *
 * @param attachmentBase directory that relative attachment paths in the data are relative to; empty when the
 *                       request came over the network (attachments are then refused)
 */
public record BroadcastRequest(String from, BroadcastKind kind, String templateName, byte[] template,
                               String htmlName, byte[] html, String dataName, DataSource data, Optional<String> encoding,
                               Optional<String> to, Optional<Path> attachmentBase, String origin) {

    public BroadcastRequest {
        if (from == null || from.isBlank()) {
            throw bad("the sending agency (--from) is missing");
        }
        if (kind == null) {
            throw bad("the kind (--kind) is missing; use policy-notice, utility-bill, social-insurance-statement or bank-statement");
        }
        if (template == null) {
            throw bad("the template (--template FILE) is missing");
        }
        if (kind.personalised()) {
            if (data == null) {
                throw bad(kind + " is personalised: give the rows with --data FILE.csv (its 'address' column names the recipients)");
            }
            if (to.isPresent()) {
                throw bad("--to cannot be combined with --data: the CSV's 'address' column names the recipients of a " + kind);
            }
        } else {
            if (data != null) {
                throw bad("policy-notice has one content for everyone and takes no --data; use a personalised kind "
                    + "(utility-bill, social-insurance-statement, bank-statement) for per-recipient content");
            }
            if (to.isEmpty()) {
                throw bad("policy-notice needs an audience: --to all-citizens, all-legal-entities, tag:DISTRICT or addresses");
            }
        }
        from = from.trim().toLowerCase(java.util.Locale.ROOT);
        encoding = encoding == null ? Optional.empty() : encoding.filter(e -> !e.isBlank());
    }

    private static BroadcastRefusedException bad(String message) {
        return new BroadcastRefusedException(Reason.BAD_INPUT, message);
    }
}

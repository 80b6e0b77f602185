package org.civicmail.broadcast.input;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.civicmail.broadcast.BroadcastKind;
import org.civicmail.account.Account;
import org.civicmail.smime.SigningCredential;

/** A validated broadcast, ready to be stored and sent: nothing in it needs checking again. */
public record BroadcastPlan(Account agency, SigningCredential credential, BroadcastKind kind, Template template,
                           String templateText, String htmlText, String audience, List<Recipient> recipients,
                           String templateSha256, String dataSha256, String dataCharset, String origin) {

    /** One recipient; {@code rowNumber} is 0 for audience members (no data row). */
    public record Recipient(String address, int rowNumber, Map<String, String> fields, Optional<Path> attachment) {
    }

    public BroadcastPlan {
        recipients = List.copyOf(recipients);
    }
}

package org.civicmail.broadcast.input;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import org.civicmail.broadcast.BroadcastKind;
import org.civicmail.account.Account;
import org.civicmail.smime.SigningCredential;

/**
 * A validated broadcast, ready to be stored and sent: nothing in it needs checking again. {@code dataSha256} is the
 * data file's digest; for a notice it is null, and storing digests the recipients' addresses as it stores them
 * ({@code BroadcastStore.create}), since an audience of accounts is read only then.
 */
public record BroadcastPlan(Account agency, SigningCredential credential, BroadcastKind kind, Template template,
                           String templateText, String htmlText, String audience, Recipients recipients,
                           String templateSha256, String dataSha256, String dataCharset, String origin) {

    /** One recipient; {@code rowNumber} is 0 for audience members (no data row). */
    public record Recipient(String address, int rowNumber, Map<String, String> fields, Optional<Path> attachment) {
    }
}

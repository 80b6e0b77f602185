package org.civicmail.broadcast;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What a broadcast is. Each kind files into a folder of its own in the recipient's mailbox (created on first use),
 * so a citizen finds bills without searching. {@link #englishFolder()} is the name an English UI shows for it.
 */
public enum BroadcastKind {
    POLICY_NOTICE("policy-notice", "通知", "Notices", false),
    UTILITY_BILL("utility-bill", "账单", "Bills", true),
    SOCIAL_INSURANCE_STATEMENT("social-insurance-statement", "社保", "Social insurance", true),
    BANK_STATEMENT("bank-statement", "银行", "Bank", true);

    private final String cliName;
    private final String folder;
    private final String englishFolder;
    private final boolean personalised;

    BroadcastKind(String cliName, String folder, String englishFolder, boolean personalised) {
        this.cliName = cliName;
        this.folder = folder;
        this.englishFolder = englishFolder;
        this.personalised = personalised;
    }

    public String cliName() {
        return cliName;
    }

    /** The mailbox folder (a top-level folder of the recipient's mailbox). */
    public String folder() {
        return folder;
    }

    public String englishFolder() {
        return englishFolder;
    }

    /** One message per data row (signed one by one), rather than one content for the whole audience. */
    public boolean personalised() {
        return personalised;
    }

    public static BroadcastKind parse(String value) {
        String wanted = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(k -> k.cliName.equals(wanted)).findFirst()
            .orElseThrow(() -> new BroadcastRefusedException(BroadcastRefusedException.Reason.BAD_INPUT,
                "kind '" + value + "' is not a broadcast kind; use one of "
                + Arrays.stream(values()).map(BroadcastKind::cliName).collect(Collectors.joining(", "))));
    }

    @Override
    public String toString() {
        return cliName;
    }
}

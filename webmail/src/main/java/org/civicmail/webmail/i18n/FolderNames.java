package org.civicmail.webmail.i18n;

import java.util.Locale;
import java.util.Map;

/** Display names of well-known folders, including the broadcast folders 通知 / 账单 / 社保 / 银行. */
public final class FolderNames {

    private static final Map<String, String[]> KNOWN = Map.of(
            "inbox", new String[] {"收件箱", "Inbox"},
            "通知", new String[] {"通知", "Notices"},
            "账单", new String[] {"账单", "Bills"},
            "社保", new String[] {"社保", "Social security"},
            "银行", new String[] {"银行", "Bank"},
            "drafts", new String[] {"草稿", "Drafts"},
            "sent", new String[] {"已发送", "Sent"},
            "trash", new String[] {"已删除", "Trash"},
            "junk", new String[] {"垃圾邮件", "Junk"});

    private FolderNames() {}

    /** @param fullName the decoded IMAP folder name, e.g. {@code INBOX} or {@code 账单} */
    public static String display(String fullName, Lang lang) {
        String key = fullName.toLowerCase(Locale.ROOT);
        String[] names = KNOWN.get(key);
        if (names == null) {
            names = KNOWN.get(key.substring(key.lastIndexOf('.') + 1));
        }
        if (names == null) {
            return fullName;
        }
        return lang == Lang.EN ? names[1] : names[0];
    }
}

package org.civicmail.webmail.i18n;

import java.util.Locale;

/** The UI languages. Chinese is the default; the code is what the language cookie and config hold. */
public enum Lang {
    ZH("zh", "zh-CN"), EN("en", "en");

    private final String code;
    private final String htmlLang;

    Lang(String code, String htmlLang) {
        this.code = code;
        this.htmlLang = htmlLang;
    }

    public String code() { return code; }

    public String htmlLang() { return htmlLang; }

    /** @return the language for a code, or {@code fallback} for anything else (including null) */
    public static Lang fromCode(String code, Lang fallback) {
        if (code != null) {
            for (Lang l : values()) {
                if (l.code.equals(code.trim().toLowerCase(Locale.ROOT))) {
                    return l;
                }
            }
        }
        return fallback;
    }
}

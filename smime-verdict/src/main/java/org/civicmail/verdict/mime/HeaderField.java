package org.civicmail.verdict.mime;

import java.util.Locale;

/**
 * One header field as it appears in the message: its name and its value with line folding removed (the CRLF
 * before each continuation line is dropped, the whitespace kept, as RFC 5322 section 2.2.3 says).
 */
public record HeaderField(String name, String value) {

    public boolean is(String other) {
        return name.equalsIgnoreCase(other);
    }

    public String lowerName() {
        return name.toLowerCase(Locale.ROOT);
    }
}

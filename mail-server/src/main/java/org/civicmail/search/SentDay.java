package org.civicmail.search;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The calendar day an RFC 5322 Date header names, as written, whatever its time zone ("Mon, 1 Dec 2026 00:30:00
 * +0800" is 1 December, though it is still 30 November in UTC): RFC 3501 says SENTBEFORE, SENTON and SENTSINCE
 * compare "disregarding time and timezone". Comments and the obsolete two-digit years of RFC 5322 §4.3 are read.
 */
final class SentDay {
    private static final Pattern DAY_MONTH_YEAR = Pattern.compile("(\\d{1,2})\\s+([A-Za-z]{3})[A-Za-z]*\\.?\\s+(\\d{2,4})\\b");
    private static final Pattern COMMENT = Pattern.compile("\\([^()]*\\)");
    private static final Map<String, Integer> MONTHS = Map.ofEntries(
        Map.entry("jan", 1), Map.entry("feb", 2), Map.entry("mar", 3), Map.entry("apr", 4), Map.entry("may", 5),
        Map.entry("jun", 6), Map.entry("jul", 7), Map.entry("aug", 8), Map.entry("sep", 9), Map.entry("oct", 10),
        Map.entry("nov", 11), Map.entry("dec", 12));

    private SentDay() {
    }

    static Optional<LocalDate> of(String dateHeader) {
        Matcher m = DAY_MONTH_YEAR.matcher(COMMENT.matcher(dateHeader).replaceAll(" "));
        if (!m.find()) {
            return Optional.empty();
        }
        Integer month = MONTHS.get(m.group(2).toLowerCase(Locale.ROOT));
        if (month == null) {
            return Optional.empty();
        }
        int year = Integer.parseInt(m.group(3));
        if (m.group(3).length() == 2) {
            year += year < 50 ? 2000 : 1900;
        } else if (m.group(3).length() == 3) {
            year += 1900;
        }
        try {
            return Optional.of(LocalDate.of(year, month, Integer.parseInt(m.group(1))));
        } catch (DateTimeException e) {
            return Optional.empty();
        }
    }
}

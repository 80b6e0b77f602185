package org.civicmail.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;

import org.junit.jupiter.api.Test;

class SentDayTest {
    @Test
    void readsTheDayAsWrittenIgnoringTimeAndZone() {
        assertThat(SentDay.of("Tue, 1 Dec 2026 00:30:00 +0800")).contains(LocalDate.of(2026, 12, 1));
        assertThat(SentDay.of("30 Nov 2026 23:59 -1200")).contains(LocalDate.of(2026, 11, 30));
        assertThat(SentDay.of("(comment 9 Jan 1999) Fri, 05 Jun 26 10:00:00 GMT")).contains(LocalDate.of(2026, 6, 5));
        assertThat(SentDay.of("Thu, 31 Dec 99 10:00:00 EST")).contains(LocalDate.of(1999, 12, 31));
    }

    @Test
    void unreadableDatesHaveNoDay() {
        assertThat(SentDay.of("yesterday")).isEmpty();
        assertThat(SentDay.of("31 Feb 2026 10:00 +0000")).isEmpty();
        assertThat(SentDay.of("1 Foo 2026")).isEmpty();
    }
}

package org.civicmail.search;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The searchable text of one message, decoded: header values (RFC 2047 encoded words and raw 8-bit bytes alike), the
 * addresses of From/To/Cc/Bcc as a reader sees them, the text of its text parts, and the day its Date header names.
 *
 * @param headers    header name (lower case) → decoded values, top-level header only
 * @param addresses  "from", "to", "cc", "bcc" → each address written out with its display name, group names, and the
 *                   decoded field values themselves
 * @param body       the text of every text/* part (HTML without its tags), forwarded messages included
 * @param sentDay    the calendar day written in the Date header, in the header's own time zone (RFC 3501's SENT*
 *                   keys disregard the time zone); empty when there is no readable Date header
 */
public record MessageText(Map<String, List<String>> headers, Map<String, List<String>> addresses, String body,
                          Optional<LocalDate> sentDay) {
}

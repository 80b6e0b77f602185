package org.civicmail.imap.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.apache.james.imap.api.message.SectionType;
import org.junit.jupiter.api.Test;

/** RFC 3501 section 6.4.5 part numbers on messages the IT does not send: digests, bare LF, broken multiparts. */
class BodySectionsTest {
    static String section(String message, SectionType type, int... path) {
        return new String(BodySections.content(message.getBytes(StandardCharsets.UTF_8), path, type, List.of("Subject")),
            StandardCharsets.UTF_8);
    }

    static final String DIGEST = "Subject: digest\r\nContent-Type: multipart/digest; boundary=d\r\n\r\n"
        + "--d\r\n\r\nSubject: one\r\n\r\nfirst\r\n"
        + "--d\r\nContent-Type: text/plain\r\n\r\nnot a message\r\n"
        + "--d--\r\n";

    @Test
    void digestPartsWithoutContentTypeAreMessages() {
        assertThat(section(DIGEST, SectionType.CONTENT, 1)).isEqualTo("Subject: one\r\n\r\nfirst");
        assertThat(section(DIGEST, SectionType.HEADER, 1)).isEqualTo("Subject: one\r\n\r\n");
        assertThat(section(DIGEST, SectionType.CONTENT, 1, 1)).isEqualTo("first");
        assertThat(section(DIGEST, SectionType.MIME, 1)).isEqualTo("\r\n");
        // An explicit text/plain part of a digest has no encapsulated message.
        assertThat(section(DIGEST, SectionType.HEADER, 2)).isEmpty();
        assertThat(section(DIGEST, SectionType.HEADER_FIELDS, 1)).isEqualTo("Subject: one\r\n\r\n");
        assertThat(section(DIGEST, SectionType.HEADER_NOT_FIELDS, 1)).isEqualTo("\r\n");
    }

    @Test
    void bareLineFeedsAndAMissingClosingDelimiterStillNumberParts() {
        String message = "Content-Type: multipart/mixed; boundary=b\n\n--b\n\nfirst\n--b\nContent-Type: message/rfc822\n\n"
            + "Subject: inner\n\ninner body\n";
        assertThat(section(message, SectionType.CONTENT, 1)).isEqualTo("first");
        assertThat(section(message, SectionType.TEXT, 2)).isEqualTo("inner body\n");
        assertThat(section(message, SectionType.CONTENT, 2, 1)).isEqualTo("inner body\n");
        assertThat(section(message, SectionType.CONTENT, 3)).isEmpty();
    }

    @Test
    void aMultipartWithoutBoundaryIsOneTextPart() {
        String message = "Content-Type: multipart/mixed\r\n\r\nno boundary\r\n";
        assertThat(section(message, SectionType.CONTENT, 1)).isEqualTo("no boundary\r\n");
        assertThat(section(message, SectionType.CONTENT, 2)).isEmpty();
        assertThat(section(message, SectionType.CONTENT, 0)).isEmpty();
    }
}

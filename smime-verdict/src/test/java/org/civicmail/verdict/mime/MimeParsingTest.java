package org.civicmail.verdict.mime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The byte-level MIME reading the verifier relies on, including the ambiguities attackers use. */
class MimeParsingTest {

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void addressListsWithGroupsQuotesCommentsAndEncodedNames() {
        assertThat(AddressList.parse("\"Tax, Bureau\" <Tax@Gov.Example>, b@x.example (comment)"))
            .containsExactly(new Mailbox("Tax, Bureau", "Tax@Gov.Example", false), new Mailbox("", "b@x.example", false));
        assertThat(AddressList.parse("x:tax-bureau@gov.example;")).containsExactly(new Mailbox("", "tax-bureau@gov.example", true));
        assertThat(AddressList.parse("=?UTF-8?B?5p2t5bee5biC56iO5Yqh5bGA?= <tax@gov.example>").get(0).displayName()).isEqualTo("杭州市税务局");
        // Attack: the address itself as an encoded word is not decoded, so it is no address.
        Mailbox encoded = AddressList.parse("=?UTF-8?B?dGF4QGdvdi5leGFtcGxl?=").get(0);
        assertThat(encoded.normalisedAddress()).isEmpty();
        // Attack: an address in the display name is a display name, the angle address is the address.
        assertThat(AddressList.parse("\"tax@gov.example\" <a@evil.example>").get(0).normalisedAddress()).contains("a@evil.example");
    }

    @Test
    void contentTypeParametersAreStrict() throws Exception {
        ContentType t = ContentType.parse("multipart/signed; protocol=\"application/pkcs7-signature\"; micalg=sha-256;\r\n boundary=\"a;b\" (c)");
        assertThat(t.mediaType()).isEqualTo("multipart/signed");
        assertThat(t.parameter("boundary")).contains("a;b");
        assertThat(t.parameter("Protocol")).contains("application/pkcs7-signature");
        // Attack: two boundaries; readers would split the body differently.
        assertThatThrownBy(() -> ContentType.parse("multipart/signed; boundary=a; BOUNDARY=b"))
            .hasMessage("Content-Type parameter boundary is given twice");
        assertThatThrownBy(() -> ContentType.parse("text")).hasMessage("Content-Type \"text\" is not type/subtype");
    }

    @Test
    void multipartPartsAreExactByteRangesWithCrlfOrLf() throws Exception {
        for (String eol : List.of("\r\n", "\n")) {
            String raw = String.join(eol, "Content-Type: multipart/mixed; boundary=b", "", "preamble", "--b", "Content-Type: text/plain",
                "", "one", "--b ", "", "two", "--b--", "");
            MimeEntity entity = MimeEntity.parse(bytes(raw));
            Multipart m = Multipart.of(entity, "b");
            assertThat(m.parts()).hasSize(2);
            assertThat(new String(m.parts().get(0).rawBytes(), StandardCharsets.UTF_8)).isEqualTo("Content-Type: text/plain" + eol + eol + "one");
            assertThat(new String(m.parts().get(1).body(), StandardCharsets.UTF_8)).isEqualTo("two");
        }
        // A line that starts with the boundary but goes on is not a delimiter.
        Multipart m = Multipart.of(MimeEntity.parse(bytes("Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\n--bx\r\n--b--\r\n")), "b");
        assertThat(new String(m.parts().get(0).body(), StandardCharsets.UTF_8)).isEqualTo("--bx");
        assertThatThrownBy(() -> Multipart.of(MimeEntity.parse(bytes("Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nx\r\n")), "b"))
            .hasMessage("multipart body has no closing boundary --b--");
    }

    @Test
    void headerFoldingIsUndoneAndDuplicatesAreVisible() throws Exception {
        MimeEntity e = MimeEntity.parse(bytes("Subject: a\r\n  b\r\nFrom: x@y\r\nFrom: z@y\r\n\r\nbody"));
        assertThat(e.values("subject")).containsExactly(" a  b");
        assertThat(e.values("From")).hasSize(2);
        assertThatThrownBy(() -> e.single("From")).hasMessage("the header has 2 From fields");
        assertThatThrownBy(() -> MimeEntity.parse(bytes("no colon here\r\n\r\n"))).hasMessageStartingWith("header line without a field name");
    }

    @Test
    void canonicalFormOnlyAddsTheMissingCarriageReturns() {
        assertThat(new String(Lines.canonical(bytes("a\nb\r\nc\n")), StandardCharsets.UTF_8)).isEqualTo("a\r\nb\r\nc\r\n");
    }
}

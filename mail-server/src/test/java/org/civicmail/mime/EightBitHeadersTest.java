package org.civicmail.mime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeUtility;

import org.junit.jupiter.api.Test;

/** Raw 8-bit header text as javax.mail loads it (each byte one ISO-8859-1 character) becomes encoded words. */
class EightBitHeadersTest {
    private static String asLoaded(String text, Charset charset) {
        return new String(text.getBytes(charset), StandardCharsets.ISO_8859_1);
    }

    @Test
    void aRawUtf8DisplayNameIsEncodedAndTheAddressKept() throws Exception {
        String encoded = EightBitHeaders.encode("From", asLoaded("杭州市税务局 <service@hz-tax-refund.example.net>", StandardCharsets.UTF_8));

        assertThat(encoded).matches("\\p{ASCII}+");
        InternetAddress[] parsed = InternetAddress.parseHeader(encoded, true);
        assertThat(parsed).hasSize(1);
        assertThat(parsed[0].getPersonal()).isEqualTo("杭州市税务局");
        assertThat(parsed[0].getAddress()).isEqualTo("service@hz-tax-refund.example.net");
    }

    @Test
    void gb18030BytesThatAreNotUtf8AreReadAsGb18030() throws Exception {
        String encoded = EightBitHeaders.encode("Subject", asLoaded("汇算清缴提醒", Charset.forName("GB18030")));

        assertThat(encoded).matches("\\p{ASCII}+");
        assertThat(MimeUtility.decodeText(MimeUtility.unfold(encoded))).isEqualTo("汇算清缴提醒");
    }

    @Test
    void groupsKeepTheirMembers() throws Exception {
        String encoded = EightBitHeaders.encode("To", asLoaded("税务组: a@gov.example, 王五 <wang@gov.example>;", StandardCharsets.UTF_8));

        assertThat(encoded).matches("\\p{ASCII}+").contains("a@gov.example").contains("<wang@gov.example>").endsWith(";");
        InternetAddress group = InternetAddress.parseHeader(encoded, true)[0];
        assertThat(group.isGroup()).isTrue();
        assertThat(group.getGroup(true)).extracting(InternetAddress::getPersonal).containsExactly(null, "王五");
        assertThat(MimeUtility.decodeText(group.getAddress().substring(0, group.getAddress().indexOf(':')))).isEqualTo("税务组");
    }

    @Test
    void textAlreadyDecodedIsEncodedAsItIs() throws Exception {
        String encoded = EightBitHeaders.encode("Subject", "退税申请确认");

        assertThat(MimeUtility.decodeText(MimeUtility.unfold(encoded))).isEqualTo("退税申请确认");
    }

    @Test
    void headerCharsetPrefersUtf8AndFallsBackToGb18030() {
        assertThat(HeaderCharset.decode("税务局".getBytes(StandardCharsets.UTF_8))).isEqualTo("税务局");
        assertThat(HeaderCharset.decode("税务局".getBytes(Charset.forName("GB18030")))).isEqualTo("税务局");
        assertThat(HeaderCharset.decode("plain".getBytes(StandardCharsets.US_ASCII))).isEqualTo("plain");
    }
}

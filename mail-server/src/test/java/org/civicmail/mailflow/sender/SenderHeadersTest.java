package org.civicmail.mailflow.sender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.mail.internet.MimeMessage;

import org.civicmail.config.CivicMailConfig;
import org.junit.jupiter.api.Test;

/** What the DATA rule and the display-name warning see of From and Sender: every address a reader would be shown. */
class SenderHeadersTest {
    static final String TAX = "tax-bureau@gov.hangzhou.example";
    static final CityDomains CITY = new CityDomains(CivicMailConfig.load(java.nio.file.Path.of("../conf"), Map.of()));

    private static List<ShownSender> of(String headers) throws Exception {
        byte[] raw = (headers + "\r\n\r\nbody\r\n").getBytes(StandardCharsets.UTF_8);
        return SenderHeaders.of(new MimeMessage(null, new ByteArrayInputStream(raw)));
    }

    private static List<String> cityClaims(String headers) throws Exception {
        return of(headers).stream().map(CITY::claimedBy).flatMap(Optional::stream).toList();
    }

    @Test
    void aPlainFromIsOneSender() throws Exception {
        assertThat(of("From: 杭州市税务局 <" + TAX + ">"))
            .containsExactly(new ShownSender("From", "杭州市税务局", Optional.of(TAX)));
    }

    @Test
    void groupSyntaxShowsTheGroupNameAndEveryMember() throws Exception {
        // Attack: From: x:tax-bureau@gov…; hides the city address inside a group.
        assertThat(of("From: x:" + TAX + ";")).containsExactly(
            new ShownSender("From", "x", Optional.empty()), new ShownSender("From", "", Optional.of(TAX)));
        assertThat(cityClaims("From: x:" + TAX + ";")).containsExactly("gov.hangzhou.example");
        assertThat(cityClaims("From: undisclosed:a@evil.example, " + TAX + ";")).containsExactly("gov.hangzhou.example");
    }

    @Test
    void everyAddressOfAListAndEveryDuplicatedFieldCounts() throws Exception {
        // Attack: the city address second in a list, or in a second From field that some readers show instead.
        assertThat(cityClaims("From: a@evil.example, " + TAX)).containsExactly("gov.hangzhou.example");
        assertThat(cityClaims("From: a@evil.example\r\nFrom: " + TAX)).containsExactly("gov.hangzhou.example");
        assertThat(cityClaims("From: a@evil.example\r\nSender: " + TAX)).containsExactly("gov.hangzhou.example");
        assertThat(of("From: a@evil.example\r\nFrom: " + TAX)).extracting(ShownSender::field).containsExactly("From", "From");
    }

    @Test
    void caseAndTrailingDotsAndSubdomainsAreTheCitysToo() throws Exception {
        // Attack: mixed case domain, and a subdomain that readers cannot tell from the city's own.
        assertThat(cityClaims("From: Tax-Bureau@GOV.Hangzhou.Example")).containsExactly("gov.hangzhou.example");
        assertThat(cityClaims("From: refund@service.gov.hangzhou.example")).containsExactly("gov.hangzhou.example");
        assertThat(cityClaims("From: a@corp.hangzhou.example.")).containsOnly("corp.hangzhou.example");
        // Not the city: a look-alike registrable domain and the parent domain.
        assertThat(cityClaims("From: a@gov-hangzhou.example, b@hangzhou.example, c@xgov.hangzhou.example")).isEmpty();
    }

    @Test
    void encodedWordsAreDecodedInDisplayNamesAndInsideAddresses() throws Exception {
        // Attack: the address spelled as an RFC 2047 encoded word, which some clients decode and show.
        String encodedDomain = "=?UTF-8?Q?gov.hangzhou.example?=";
        assertThat(cityClaims("From: tax-bureau@" + encodedDomain)).containsOnly("gov.hangzhou.example");
        String encodedName = "=?UTF-8?B?" + java.util.Base64.getEncoder().encodeToString(TAX.getBytes(StandardCharsets.UTF_8)) + "?=";
        assertThat(of("From: " + encodedName + " <a@evil.example>"))
            .containsExactly(new ShownSender("From", TAX, Optional.of("a@evil.example")));
        assertThat(of("From: =?UTF-8?B?5p2t5bee5biC56iO5Yqh5bGA?= <service@hz-tax-refund.example.net>"))
            .containsExactly(new ShownSender("From", "杭州市税务局", Optional.of("service@hz-tax-refund.example.net")));
    }

    @Test
    void rawUtf8DisplayNamesReadAsAClientShowsThem() throws Exception {
        // Attack: the agency's name sent as raw 8-bit UTF-8 (RFC 6532) rather than as an encoded word.
        assertThat(of("From: 杭州市税务局 <service@hz-tax-refund.example.net>").get(0).displayName()).isEqualTo("杭州市税务局");
    }

    @Test
    void aQuotedLocalPartHoldingACityAddressIsAClaim() throws Exception {
        // Attack: "tax-bureau@gov.hangzhou.example"@evil.example, shown by some clients as the city address.
        assertThat(cityClaims("From: \"" + TAX + "\"@evil.example")).containsExactly("gov.hangzhou.example");
    }

    @Test
    void aDisplayNameHoldingACityAddressIsNotAnAddressClaim() throws Exception {
        // The display-name warning handles this one; the address is outside the city.
        assertThat(cityClaims("From: \"" + TAX + "\" <a@evil.example>")).isEmpty();
        assertThat(of("From: \"" + TAX + "\" <a@evil.example>").get(0).displayName()).isEqualTo(TAX);
    }

    @Test
    void foldedFieldsAreUnfolded() throws Exception {
        assertThat(cityClaims("From: a@evil.example,\r\n " + TAX)).containsExactly("gov.hangzhou.example");
    }

    @Test
    void aFieldThatIsNotAValidAddressListClaimsEveryAddressInIt() throws Exception {
        // Attack: an unclosed quote, so that our parser calls the city address a display name and another client
        // shows it as the sender.
        assertThat(cityClaims("From: \"" + TAX + " <a@evil.example>")).contains("gov.hangzhou.example");
        assertThat(cityClaims("From: <" + TAX)).contains("gov.hangzhou.example");
        // A domain with a trailing dot or an encoded word fails the strict parse: still read, and still the city's.
        assertThat(cityClaims("From: " + TAX + ".")).contains("gov.hangzhou.example");
        // A well-formed display name stays a display name.
        assertThat(cityClaims("From: \"" + TAX + "\" <a@evil.example>")).isEmpty();
    }
}

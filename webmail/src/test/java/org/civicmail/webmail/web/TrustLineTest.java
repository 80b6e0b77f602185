package org.civicmail.webmail.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.SendFailedException;
import jakarta.mail.internet.InternetAddress;
import org.civicmail.webmail.compose.SendErrors;
import org.civicmail.webmail.i18n.Lang;
import org.civicmail.webmail.i18n.UiText;
import org.civicmail.webmail.trust.CityDomains;
import org.civicmail.webmail.trust.TrustLine;
import org.civicmail.webmail.trust.TrustLine.Cause;
import org.civicmail.webmail.trust.TrustLine.State;
import org.junit.jupiter.api.Test;

class TrustLineTest {

    @Test
    void theServersVerdictDecides() {
        TrustLine valid = TrustLine.of("valid; signer=\"tax@gov.hz.example\"; serial=0a1b", null, "tax@gov.hz.example", "gov.hz.example");
        assertEquals(State.VERIFIED, valid.state());
        assertEquals("tax@gov.hz.example", valid.signer());
        // read with the shared verdict codec: the serial as a number, in the server's own form (hex, no leading zero)
        assertEquals("a1b", valid.serial());
        assertEquals(Cause.BAD_SIGNATURE, TrustLine.of("invalid; reason=tampered", null, "x@y.example", null).cause());
        assertEquals(Cause.OFFICIAL_UNSIGNED, TrustLine.of("none", "unsigned-official-sender", "x@y.example", null).cause());
        assertEquals(State.PLAIN, TrustLine.of("none", null, "friend@y.example", "gov.hz.example").state());
    }

    @Test
    void impersonationWinsEvenOverAValidSignature() {
        // attack: a citizen signs validly but calls himself "杭州市税务局"; the name claim is what misleads
        assertEquals(Cause.IMPERSONATION, TrustLine.of("valid; signer=\"c@citizen.hz.example\"",
                "unsigned-official-sender, display-name-impersonation", "c@citizen.hz.example", null).cause());
    }

    @Test
    void missingHeadersStillFlagTheOfficialDomain() {
        // attack: mail that somehow arrives without the server's headers, From the official domain
        assertEquals(Cause.OFFICIAL_UNSIGNED, TrustLine.of(null, null, "tax@sub.gov.hz.example", "gov.hz.example").cause());
        assertEquals(State.PLAIN, TrustLine.of(null, null, "tax@gov.hz.example.evil.net", "gov.hz.example").state());
    }

    @Test
    void cityDomainsIncludeSubdomainsOnly() {
        CityDomains city = new CityDomains(java.util.List.of("hz.example"));
        assertTrue(city.contains("a@gov.hz.example"));
        assertTrue(city.contains("a@HZ.example"));
        assertFalse(city.contains("a@hz.example.evil.net"));
        assertFalse(city.contains("a@evilhz.example"));
        assertFalse(city.contains("not an address"));
    }

    @Test
    void sendErrorsSpeakTheReadersLanguageNotTheServers() {
        SendFailedException refused = new SendFailedException("Invalid Addresses", null, null, null,
                new InternetAddress[] {toAddress("pay@freemail.example.org")});
        String zh = SendErrors.describe(refused, UiText.of(Lang.ZH));
        assertEquals("邮件服务器没有接受这些收件人：pay@freemail.example.org。请检查地址是否写对；本邮箱可能不能向本市以外的地址发信。您写的内容仍在下方。", zh);
        assertFalse(zh.contains("Invalid Addresses"));
        assertTrue(SendErrors.describe(new jakarta.mail.MessagingException("boom"), UiText.of(Lang.EN)).startsWith("Sending failed"));
    }

    static InternetAddress toAddress(String a) {
        try {
            return new InternetAddress(a);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}

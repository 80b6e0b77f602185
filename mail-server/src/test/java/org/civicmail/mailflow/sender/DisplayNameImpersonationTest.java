package org.civicmail.mailflow.sender;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** The display-name rule on its own: which names pretend to be someone the address is not. */
class DisplayNameImpersonationTest {
    static final String TAX = "tax-bureau@gov.hangzhou.example";
    static final String CLERK = "zhang.wei@gov.hangzhou.example";
    static final String WATER = "westlake-water@corp.hangzhou.example";
    static final RegisteredNames.Snapshot NAMES = new RegisteredNames.Snapshot(Map.of(
        DisplayNameImpersonation.comparable("杭州市税务局"), Set.of(TAX, CLERK),
        DisplayNameImpersonation.comparable("杭州西湖水务有限公司"), Set.of(WATER)));

    private static boolean warns(String displayName, String address) {
        return DisplayNameImpersonation.impersonates(new ShownSender("From", displayName, Optional.ofNullable(address)), NAMES);
    }

    @Test
    void anAgencysNameFromAnAddressOutsideTheAgencyWarns() {
        // Attack: look-alike sender "杭州市税务局" <service@hz-tax-refund.example.net>.
        assertThat(warns("杭州市税务局", "service@hz-tax-refund.example.net")).isTrue();
        assertThat(warns("杭州西湖水务有限公司", "billing@westlake-water.example")).isTrue();
        // Attack: the same name in full-width spaces, with a zero-width space, or quoted.
        assertThat(warns("杭州市\u3000税务局", "a@evil.example")).isTrue();
        assertThat(warns("杭州市税\u200B务局", "a@evil.example")).isTrue();
        assertThat(warns("'杭州市税务局'", "a@evil.example")).isTrue();
        // Attack: a city account that is not the agency's (a citizen, another legal entity) using the agency's name.
        assertThat(warns("杭州市税务局", "li.na@citizen.hangzhou.example")).isTrue();
        assertThat(warns("杭州市税务局", WATER)).isTrue();
    }

    @Test
    void theAgencysOwnAccountsMayShowItsName() {
        assertThat(warns("杭州市税务局", TAX)).isFalse();
        assertThat(warns("杭州市税务局", CLERK)).isFalse();
        assertThat(warns("杭州西湖水务有限公司", WATER)).isFalse();
    }

    @Test
    void aDisplayNameHoldingAnotherAddressWarns() {
        // Attack: "tax-bureau@gov.hangzhou.example" <a@evil.example>.
        assertThat(warns(TAX, "a@evil.example")).isTrue();
        assertThat(warns("Tax Bureau (" + TAX + ")", "a@evil.example")).isTrue();
        // Attack: any address, not only the city's (a bank's, say).
        assertThat(warns("service@bank.example", "a@evil.example")).isTrue();
        // Attack: full-width ＠ and spaces around @, which a reader still takes for an address.
        assertThat(warns("tax-bureau＠gov.hangzhou.example", "a@evil.example")).isTrue();
        assertThat(warns("tax-bureau @ gov.hangzhou.example", "a@evil.example")).isTrue();
        // Attack: the group name of From: "tax-bureau@gov.hangzhou.example":a@evil.example; has no address of its own.
        assertThat(warns(TAX, null)).isTrue();
    }

    @Test
    void ordinaryNamesDoNotWarn() {
        assertThat(warns("李娜", "li.na@citizen.hangzhou.example")).isFalse();
        assertThat(warns("Friend at partner.example", "friend@partner.example")).isFalse();
        assertThat(warns("", "a@evil.example")).isFalse();
        // A name that only contains the agency's name is another name.
        assertThat(warns("杭州市税务局退休职工协会", "assoc@example.org")).isFalse();
        // Clients often show the address itself as the name: that claims nothing more.
        assertThat(warns("Friend@Partner.example", "friend@partner.example")).isFalse();
    }
}

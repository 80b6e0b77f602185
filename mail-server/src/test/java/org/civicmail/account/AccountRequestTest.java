package org.civicmail.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class AccountRequestTest {
    static final MailDomains DOMAINS = new MailDomains() {
        final Map<AccountClass, String> d = Map.of(AccountClass.OFFICIAL, "gov.test", AccountClass.LEGAL_ENTITY, "corp.test",
            AccountClass.CITIZEN, "citizen.test");

        @Override
        public String domainOf(AccountClass c) {
            return d.get(c);
        }

        @Override
        public Optional<AccountClass> classOf(String domain) {
            return d.entrySet().stream().filter(e -> e.getValue().equals(domain)).map(Map.Entry::getKey).findFirst();
        }
    };

    @Test
    void aCitizenHasAnIdNumberAndTags() {
        AccountRequest r = AccountRequest.of("citizen", "Li.Na@Citizen.Test", "李娜");
        r.idNumber = "11010519491231002X";
        r.tags = "西湖区，北山街道, 西湖区";
        Account a = r.validate(DOMAINS);
        assertThat(a.address()).isEqualTo("li.na@citizen.test");
        assertThat(a.tags()).containsExactly("西湖区", "北山街道");
        assertThat(a.idNumber()).isPresent();
    }

    @Test
    void eachClassRequiresItsIdentityAndRefusesOthers() {
        assertThatThrownBy(() -> AccountRequest.of("citizen", "a@citizen.test", "A").validate(DOMAINS))
            .hasMessage("id-number: is required");
        assertThatThrownBy(() -> AccountRequest.of("legal-entity", "a@corp.test", "A").validate(DOMAINS))
            .hasMessage("credit-code: is required");
        AccountRequest official = AccountRequest.of("official", "a@gov.test", "A");
        official.agency = "Tax";
        assertThatThrownBy(() -> official.validate(DOMAINS)).hasMessage("employee-no: is required");
        AccountRequest citizenWithCode = AccountRequest.of("citizen", "a@citizen.test", "A");
        citizenWithCode.idNumber = "11010519491231002X";
        citizenWithCode.creditCode = "91350100M000100Y43";
        assertThatThrownBy(() -> citizenWithCode.validate(DOMAINS))
            .hasMessage("credit-code: does not apply to a citizen account; remove it");
    }

    @Test
    void aSigningKeyAlgorithmIsForOfficialsAndLegalEntitiesAndMustBeKnown() {
        AccountRequest official = AccountRequest.of("official", "a@gov.test", "A");
        official.agency = "Water";
        official.employeeNo = "W-1";
        official.signingKey = "RSA-2048";
        official.validate(DOMAINS);
        assertThat(official.signingKeyAlgorithm()).contains(org.civicmail.ca.KeyAlgorithm.RSA_2048);
        official.signingKey = "rsa-1024";
        assertThatThrownBy(official::signingKeyAlgorithm).isInstanceOf(InvalidAccountException.class)
            .hasMessage("signing-key: the value 'rsa-1024' is not a key algorithm: use ec-p256 (default), rsa-3072 or rsa-2048");
        official.signingKey = " ";
        assertThat(official.signingKeyAlgorithm()).isEmpty();
        AccountRequest citizen = AccountRequest.of("citizen", "a@citizen.test", "A");
        citizen.idNumber = "11010519491231002X";
        citizen.signingKey = "ec-p256";
        assertThatThrownBy(() -> citizen.validate(DOMAINS)).hasMessage("signing-key: does not apply to a citizen account; remove it");
    }

    @Test
    void onlyOfficialsMayBroadcastAndAddressesMustBeInTheClassDomain() {
        AccountRequest company = AccountRequest.of("legal-entity", "a@corp.test", "A");
        company.creditCode = "91350100M000100Y43";
        company.mayBroadcast = true;
        assertThatThrownBy(() -> company.validate(DOMAINS)).hasMessage("may-broadcast: only official (agency) accounts may broadcast");
        AccountRequest elsewhere = AccountRequest.of("legal-entity", "a@citizen.test", "A");
        elsewhere.creditCode = "91350100M000100Y43";
        assertThatThrownBy(() -> elsewhere.validate(DOMAINS)).hasMessage("address: a legal-entity mailbox must be in corp.test, not citizen.test");
        assertThatThrownBy(() -> AccountRequest.of("citizen", "no-at-sign", "A").validate(DOMAINS))
            .hasMessage("address: 'no-at-sign' is not an e-mail address (local-part@domain)");
        assertThatThrownBy(() -> AccountRequest.of("citizen", "-bad@citizen.test", "A").validate(DOMAINS))
            .hasMessageStartingWith("address: local part '-bad' may use only");
        assertThatThrownBy(() -> AccountRequest.of("mayor", "a@gov.test", "A").validate(DOMAINS))
            .hasMessage("class: 'mayor' is not an account class; use one of official, legal-entity, citizen");
    }
}

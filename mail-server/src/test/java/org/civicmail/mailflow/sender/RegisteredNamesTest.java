package org.civicmail.mailflow.sender;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.util.Map;
import java.util.Set;

import org.civicmail.account.Account;
import org.civicmail.account.AccountRequest;
import org.civicmail.account.AccountStore;
import org.civicmail.server.CivicDatabase;
import org.civicmail.server.DataDirectory;
import org.civicmail.config.CivicMailConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registered-name cache over a real account table: a name registered a moment ago counts at once. */
class RegisteredNamesTest {
    static final CivicMailConfig CONFIG = CivicMailConfig.load(Path.of("../conf"), Map.of());

    @TempDir
    Path tmp;

    private CivicDatabase db;
    private AccountStore accounts;
    private RegisteredNames names;

    @BeforeEach
    void aRealAccountTable() throws Exception {
        DataDirectory data = new DataDirectory(tmp.resolve("data"));
        data.create();
        db = new CivicDatabase(data);
        accounts = new AccountStore(db);
        names = new RegisteredNames(accounts);
    }

    @Test
    void aNewlyRegisteredOrDeletedNameCountsForTheNextLookUp() throws Exception {
        assertThat(names.current().ownersOf("杭州市税务局")).isEmpty();

        AccountRequest tax = AccountRequest.of("official", "tax-bureau@gov.hangzhou.example", "杭州市税务局");
        tax.agency = "杭州市税务局";
        tax.employeeNo = "E-1";
        insert(tax.validate(CONFIG));
        assertThat(names.current().ownersOf("杭州市税务局")).contains(Set.of("tax-bureau@gov.hangzhou.example"));

        AccountRequest water = AccountRequest.of("legal-entity", "westlake-water@corp.hangzhou.example", "杭州西湖水务有限公司");
        water.creditCode = org.civicmail.testkit.TestIds.creditCode("91330106MA2B0WAT0");
        insert(water.validate(CONFIG));
        assertThat(names.current().ownersOf(" 杭州西湖水务有限公司 ")).contains(Set.of("westlake-water@corp.hangzhou.example"));
        // Citizens' names are persons' names, not registered organisation names.
        AccountRequest citizen = AccountRequest.of("citizen", "li.na@citizen.hangzhou.example", "李娜");
        citizen.idNumber = org.civicmail.testkit.TestIds.residentId("33010519900101001");
        insert(citizen.validate(CONFIG));
        assertThat(names.current().ownersOf("李娜")).isEmpty();

        accounts.delete("westlake-water@corp.hangzhou.example");
        assertThat(names.current().ownersOf("杭州西湖水务有限公司")).isEmpty();
    }

    @Test
    void aNameCommittedInTheCreatorsOwnTransactionCountsOnceItIsCommitted() throws Exception {
        assertThat(names.current().ownersOf("杭州市公安局")).isEmpty(); // remembered: no such name

        // Attack: mail showing an agency's name right after the agency's account was created (in a transaction of its
        // own, as AccountService.create does) must be warned about: the remembered "no such name" is forgotten.
        AccountRequest police = AccountRequest.of("official", "police@gov.hangzhou.example", "杭州市公安局");
        police.agency = "杭州市公安局";
        police.employeeNo = "E-2";
        try (Connection c = db.connection()) {
            c.setAutoCommit(false);
            accounts.insert(c, police.validate(CONFIG));
            c.commit();
        } finally {
            accounts.changed();
        }
        assertThat(names.current().ownersOf("杭州市公安局")).contains(Set.of("police@gov.hangzhou.example"));

        // A disabled agency is still impersonated: its name stays registered.
        accounts.setDisabled("police@gov.hangzhou.example", true);
        assertThat(names.current().ownersOf("杭州市公安局")).contains(Set.of("police@gov.hangzhou.example"));
    }

    private void insert(Account account) throws Exception {
        try (Connection c = db.connection()) {
            accounts.insert(c, account);
        }
    }
}

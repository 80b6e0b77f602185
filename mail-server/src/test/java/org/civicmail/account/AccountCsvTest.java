package org.civicmail.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

import org.civicmail.server.CivicDatabase;
import org.civicmail.server.DataDirectory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CSV validation against a real (temporary) Derby account table. */
class AccountCsvTest {
    @TempDir
    Path tmp;
    AccountStore store;

    @BeforeEach
    void setUp() {
        store = new AccountStore(new CivicDatabase(new DataDirectory(tmp)));
    }

    private AccountCsv.Validation validate(String csv, Charset charset) throws Exception {
        return AccountCsv.validate(new ByteArrayInputStream(csv.getBytes(charset)), charset, Optional.of("citizen"),
            AccountRequestTest.DOMAINS, store);
    }

    @Test
    void goodRowsAreReadyAndAUtf8BomIsSkipped() throws Exception {
        AccountCsv.Validation v = validate("\uFEFFaddress,name,id-number,tags,password\n"
            + "a@citizen.test,甲,11010519491231002X,西湖区,password-1\n\n", StandardCharsets.UTF_8);
        assertThat(v.errors()).isEmpty();
        assertThat(v.toCreate()).hasSize(1);
        assertThat(v.toCreate().get(0).rowNumber()).isEqualTo(2);
        assertThat(v.toCreate().get(0).account().name()).isEqualTo("甲");
    }

    @Test
    void everyBadRowIsReportedWithItsSpreadsheetRowNumber() throws Exception {
        AccountCsv.Validation v = validate("address,name,id-number,password\n"
            + "a@citizen.test,甲,11010519491231002X,password-1\n"
            + "a@citizen.test,乙,330106198506120023,password-1\n"
            + "c@citizen.test,丙,11010519491231002X,password-1\n"
            + "d@citizen.test,,330102199003071230,password-1\n"
            + "e@citizen.test,戊,330102199003071230,short\n"
            + "f@citizen.test,己,330102199003071230\n", StandardCharsets.UTF_8);
        assertThat(v.errors()).containsExactly(
            "row 3: address: a@citizen.test is also in row 2",
            "row 4: id-number: same value as row 2",
            "row 5: name: is required",
            "row 6: password: must have at least 8 characters",
            "row 7: row: has 3 fields, the header has 4");
    }

    @Test
    void surnameAndGivenNameColumnsAreReadAndAGivenNameNeedsASurname() throws Exception {
        AccountCsv.Validation v = validate("address,name,surname,given-name,id-number,password\n"
            + "a@citizen.test,欧阳修,欧阳,修,11010519491231002X,password-1\n"
            + "b@citizen.test,李娜,,娜,330106198506120023,password-1\n", StandardCharsets.UTF_8);
        assertThat(v.errors()).containsExactly("row 3: surname: is required with given-name (a single legal name goes into surname)");
        assertThat(v.toCreate()).hasSize(1);
        assertThat(v.toCreate().get(0).request().personName()).contains(org.civicmail.ca.PersonName.of("欧阳", "修"));
    }

    @Test
    void unknownOrMissingColumnsAreRefusedBeforeAnyRow() throws Exception {
        assertThat(validate("address,name,pasword\n", StandardCharsets.UTF_8).errors())
            .containsExactly("row 1: unknown column(s) [pasword]; allowed: [address, agency, class, credit-code, employee-no, given-name, "
                + "id-number, may-broadcast, name, password, surname, tags]");
        assertThat(validate("address,name\n", StandardCharsets.UTF_8).errors()).containsExactly("row 1: column 'password' is missing");
    }

    @Test
    void gbkIsReadWhenAskedAndRefusedAsUtf8() throws Exception {
        String csv = "address,name,id-number,password\na@citizen.test,张三丰,11010519491231002X,password-1\n";
        AccountCsv.Validation v = validate(csv, Charset.forName("GBK"));
        assertThat(v.toCreate().get(0).account().name()).isEqualTo("张三丰");
        assertThatThrownBy(() -> AccountCsv.validate(new ByteArrayInputStream(csv.getBytes(Charset.forName("GBK"))),
            StandardCharsets.UTF_8, Optional.of("citizen"), AccountRequestTest.DOMAINS, store))
            .isInstanceOf(CharacterCodingException.class);
    }
}

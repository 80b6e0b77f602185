package org.civicmail.account;

import java.util.List;
import java.util.Optional;

/**
 * A mailbox of one class with its identity. Built only through {@link AccountRequest}, which validates it.
 * The ID number is personal data: {@link #toString()} masks it.
 */
public record Account(
    String address,
    AccountClass accountClass,
    String name,
    Optional<ResidentIdNumber> idNumber,
    List<String> tags,
    Optional<UnifiedSocialCreditCode> creditCode,
    Optional<String> agency,
    Optional<String> employeeNo,
    boolean mayBroadcast,
    boolean disabled) {

    public Account {
        tags = List.copyOf(tags);
    }

    public String domain() {
        return address.substring(address.indexOf('@') + 1);
    }

    public Account withDisabled(boolean value) {
        return new Account(address, accountClass, name, idNumber, tags, creditCode, agency, employeeNo, mayBroadcast, value);
    }

    /** The same person or organisation: used to make a re-run of an interrupted import skip what it already did. */
    public boolean sameIdentityAs(Account other) {
        return address.equals(other.address) && accountClass == other.accountClass && name.equals(other.name)
            && idNumber.equals(other.idNumber) && creditCode.equals(other.creditCode) && agency.equals(other.agency)
            && employeeNo.equals(other.employeeNo);
    }
}

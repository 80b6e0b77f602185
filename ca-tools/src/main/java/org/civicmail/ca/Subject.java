package org.civicmail.ca;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The identity an account's certificate is issued to, as the account directory (the mail
 * server) knows it. Checks itself when built; the CA never takes identity from a CSR.
 *
 * <ul>
 *   <li>CITIZEN: the address, optionally the person's surname and given name (individual-validated;
 *       otherwise mailbox-validated with no name, O or OU);</li>
 *   <li>LEGAL_ENTITY: the address, the organisation name and its 18-character unified social
 *       credit code (organization-validated);</li>
 *   <li>OFFICIAL: the address, the official's surname and given name and the agency name
 *       (sponsor-validated), optionally the agency's credit code;</li>
 *   <li>AGENCY: an agency's own mailbox (a role such as the tax bureau's notices, no person behind
 *       it): the address and the agency (organization-validated), optionally its credit code.</li>
 * </ul>
 */
public final class Subject {
    public enum Profile { CITIZEN, LEGAL_ENTITY, OFFICIAL, AGENCY }

    private static final Pattern ADDRESS = Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+");
    /** GB 32100-2015 unified social credit code: 18 characters from 0-9 and A-Z without I, O, S, V, Z. */
    private static final Pattern CREDIT_CODE = Pattern.compile("[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}");

    private final String emailAddress;
    private final Profile profile;
    private final PersonName personName;
    private final String organizationName;
    private final String creditCode;

    private Subject(String emailAddress, Profile profile, PersonName personName, String organizationName, String creditCode) {
        this.emailAddress = normalizeAddress(emailAddress);
        this.profile = Objects.requireNonNull(profile, "profile");
        this.personName = personName;
        this.organizationName = blankToNull(organizationName);
        this.creditCode = blankToNull(creditCode);
        if (profile != Profile.CITIZEN && this.organizationName == null) {
            throw new InvalidInputException("subject " + emailAddress + ": a " + profile
                    + " needs an organisation name (the agency for an OFFICIAL)");
        }
        if (profile == Profile.OFFICIAL && this.personName == null) {
            throw new InvalidInputException("subject " + emailAddress + ": an OFFICIAL needs the person's name");
        }
        if (profile == Profile.LEGAL_ENTITY && this.creditCode == null) {
            throw new InvalidInputException("subject " + emailAddress
                    + ": a LEGAL_ENTITY needs its unified social credit code");
        }
        if (this.creditCode != null && !CREDIT_CODE.matcher(this.creditCode).matches()) {
            throw new InvalidInputException("subject " + emailAddress + ": credit code '" + creditCode
                    + "' is not a unified social credit code (18 characters, digits and capitals without I, O, S, V, Z)");
        }
    }

    /** A citizen with surname and given name (individual-validated); {@code person} null for a mailbox-validated certificate. */
    public static Subject individual(String emailAddress, PersonName person) {
        return new Subject(emailAddress, Profile.CITIZEN, person, null, null);
    }

    /** A citizen whose name is split by {@link PersonName#derive}; null or blank for a mailbox-validated certificate. */
    public static Subject citizen(String emailAddress, String fullName) {
        return individual(emailAddress, blankToNull(fullName) == null ? null : PersonName.derive(fullName));
    }

    public static Subject legalEntity(String emailAddress, String organizationName, String creditCode) {
        return new Subject(emailAddress, Profile.LEGAL_ENTITY, null, organizationName, creditCode);
    }

    /**
     * An official of an agency with surname and given name (sponsor-validated); {@code agencyCreditCode} may be null
     * (the agency is then identified as a government entity).
     */
    public static Subject sponsored(String emailAddress, PersonName person, String agencyName, String agencyCreditCode) {
        return new Subject(emailAddress, Profile.OFFICIAL, person, agencyName, agencyCreditCode);
    }

    /** An official whose name is split by {@link PersonName#derive}. */
    public static Subject official(String emailAddress, String fullName, String agencyName, String agencyCreditCode) {
        return sponsored(emailAddress, blankToNull(fullName) == null ? null : PersonName.derive(fullName), agencyName, agencyCreditCode);
    }

    /** An agency's own (role) mailbox; {@code agencyCreditCode} may be null. */
    public static Subject agency(String emailAddress, String agencyName, String agencyCreditCode) {
        return new Subject(emailAddress, Profile.AGENCY, null, agencyName, agencyCreditCode);
    }

    /** Lower-cases the domain and checks the syntax; throws {@link InvalidInputException} naming the rule. */
    public static String normalizeAddress(String address) {
        String a = address == null ? "" : address.trim();
        if (!ADDRESS.matcher(a).matches() || a.length() > 254) {
            throw new InvalidInputException("address '" + address + "' is not an e-mail address of the form local@domain.tld");
        }
        int at = a.lastIndexOf('@');
        return a.substring(0, at) + "@" + a.substring(at + 1).toLowerCase(Locale.ROOT);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    public String emailAddress() {
        return emailAddress;
    }

    public Profile profile() {
        return profile;
    }

    /** The person's full name (the commonName), for citizens with a name and officials. */
    public Optional<String> personName() {
        return person().map(PersonName::fullName);
    }

    public Optional<PersonName> person() {
        return Optional.ofNullable(personName);
    }

    /** The legal entity's name, or the agency of an official or agency mailbox. */
    public Optional<String> organizationName() {
        return Optional.ofNullable(organizationName);
    }

    public Optional<String> creditCode() {
        return Optional.ofNullable(creditCode);
    }

    @Override
    public String toString() {
        return profile + " " + emailAddress;
    }
}
